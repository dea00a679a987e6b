"""Drift runs: what each ``provisioner drift`` found, kept apart from the records and their history.

A drift run never changes a record and never moves the workspace serial, so a plan reviewed before
a scheduled drift check still applies after it. Each run is one ``drift_runs`` row (who, when, which
commit, the serial it saw) and one ``drift_results`` row per connection or agent it looked at
(status, test class, since when it has been failing). Nothing here is secret: statuses, class names
and field paths only.

The tables come from one migration step (``MIGRATION``), independent of every other step: it only
creates its own two tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from provisioner.state.backend import Tx

FAILING = "failing"


def _tables(identity: str) -> list[str]:
    return [
        f"CREATE TABLE drift_runs (id {identity}, run_id TEXT NOT NULL UNIQUE, workspace TEXT NOT NULL, "
        "at TEXT NOT NULL, actor TEXT NOT NULL, git_commit TEXT, serial BIGINT NOT NULL, tested INTEGER NOT NULL)",
        "CREATE INDEX drift_runs_by_workspace ON drift_runs (workspace, id)",
        "CREATE TABLE drift_results (run_seq BIGINT NOT NULL, workspace TEXT NOT NULL, address TEXT NOT NULL, "
        "status TEXT NOT NULL, test_class TEXT, detail TEXT, failing_since TEXT, PRIMARY KEY (run_seq, address))",
        "CREATE INDEX drift_results_by_address ON drift_results (workspace, address, run_seq)",
    ]


# One migration step per dialect; schema.py appends it to its MIGRATIONS lists.
MIGRATION: Mapping[str, list[str]] = {
    "sqlite": _tables("INTEGER PRIMARY KEY AUTOINCREMENT"),
    "postgresql": _tables("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"),
}


@dataclass(frozen=True)
class DriftResult:
    """What one drift run found for one address. ``detail`` is a short, secret-free explanation."""

    address: str
    status: str  # a DriftStatus value: "in-sync", "failing", "unapplied", ...
    test_class: str | None = None  # the live test's outcome class ("ok", "unauthorized", ...), when it ran
    detail: str | None = None
    failing_since: datetime | None = None  # filled by the store: when this address started failing


@dataclass(frozen=True)
class DriftRun:
    run_id: str
    workspace: str
    at: datetime
    actor: str
    git_commit: str | None
    serial: int  # the workspace serial the run saw (the run itself does not move it)
    tested: bool  # False with --no-test
    results: tuple[DriftResult, ...] = field(default_factory=tuple)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r.status] = out.get(r.status, 0) + 1
        return out


@dataclass(frozen=True)
class DriftEntry:
    """The last drift result of one address (what ``state list`` / ``state show`` display)."""

    address: str
    status: str
    test_class: str | None
    at: datetime
    failing_since: datetime | None
    run_id: str


def _utc(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _previous_failing_since(tx: Tx, workspace: str, address: str) -> datetime | None:
    row = tx.one("SELECT status, failing_since FROM drift_results WHERE workspace = ? AND address = ? "
                 "ORDER BY run_seq DESC LIMIT 1", (workspace, address))
    if row is None or row[0] != FAILING:
        return None
    return _utc(row[1])


def write(tx: Tx, workspace: str, serial: int, *, actor: str, git_commit: str | None, tested: bool,
          results: Sequence[DriftResult]) -> DriftRun:
    """Insert one run and its results (one transaction, the caller's); returns the run as stored."""
    now = tx.now().astimezone(UTC)
    run_id = str(uuid.uuid4())
    row = tx.one("INSERT INTO drift_runs (run_id, workspace, at, actor, git_commit, serial, tested) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                 (run_id, workspace, now.isoformat(), actor, git_commit, serial, int(tested)))
    assert row is not None
    seq = int(row[0])
    stored: list[DriftResult] = []
    for r in results:
        since = None
        if r.status == FAILING:
            since = _previous_failing_since(tx, workspace, r.address) or now
        tx.execute("INSERT INTO drift_results (run_seq, workspace, address, status, test_class, detail, "
                   "failing_since) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (seq, workspace, r.address, r.status, r.test_class, r.detail,
                    since.isoformat() if since else None))
        stored.append(DriftResult(r.address, r.status, r.test_class, r.detail, since))
    return DriftRun(run_id, workspace, now, actor, git_commit, serial, tested, tuple(stored))


def runs(tx: Tx, workspace: str, limit: int | None) -> list[DriftRun]:
    """The last ``limit`` runs (all when None), oldest first, each with its results."""
    sql = ("SELECT id, run_id, at, actor, git_commit, serial, tested FROM drift_runs WHERE workspace = ? "
           "ORDER BY id DESC")
    params: tuple[object, ...] = (workspace,)
    if limit is not None:
        sql += " LIMIT ?"
        params = (workspace, limit)
    out = []
    for row in reversed(tx.all(sql, params)):
        results = tuple(
            DriftResult(address=r[0], status=r[1], test_class=r[2], detail=r[3], failing_since=_utc(r[4]))
            for r in tx.all("SELECT address, status, test_class, detail, failing_since FROM drift_results "
                            "WHERE run_seq = ? ORDER BY address", (row[0],)))
        out.append(DriftRun(run_id=row[1], workspace=workspace, at=datetime.fromisoformat(row[2]), actor=row[3],
                            git_commit=row[4], serial=int(row[5]), tested=bool(row[6]), results=results))
    return out


def latest(tx: Tx, workspace: str) -> dict[str, DriftEntry]:
    """Each address's result in the last run that looked at it."""
    rows = tx.all(
        "SELECT r.address, r.status, r.test_class, d.at, r.failing_since, d.run_id FROM drift_results r "
        "JOIN drift_runs d ON d.id = r.run_seq WHERE r.workspace = ? AND r.run_seq = "
        "(SELECT MAX(x.run_seq) FROM drift_results x WHERE x.workspace = r.workspace AND x.address = r.address)",
        (workspace,))
    return {
        str(r[0]): DriftEntry(address=str(r[0]), status=str(r[1]), test_class=r[2],
                              at=datetime.fromisoformat(r[3]), failing_since=_utc(r[4]), run_id=str(r[5]))
        for r in rows
    }
