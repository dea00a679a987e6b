"""The state schema, created and migrated by the tool: forward-only steps recorded in ``schema_version``.

Add a migration by appending a step to both dialects' lists; never edit a released step. A
database whose version is newer than ``LATEST`` was written by a newer provisioner and is refused.
"""

from __future__ import annotations

from provisioner.errors import StateError
from provisioner.state import drift_runs
from provisioner.state.backend import Backend, Tx

_TABLES = """
CREATE TABLE workspaces (
    name TEXT PRIMARY KEY, lineage TEXT NOT NULL, serial BIGINT NOT NULL,
    key_check TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE records (
    workspace TEXT NOT NULL REFERENCES workspaces (name), address TEXT NOT NULL,
    kind TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, sealed TEXT NOT NULL,
    fingerprints TEXT NOT NULL, sops_digests TEXT NOT NULL, last_test TEXT,
    applied_at TEXT NOT NULL, applied_by TEXT NOT NULL, git_commit TEXT,
    serial BIGINT NOT NULL, mac TEXT NOT NULL,
    PRIMARY KEY (workspace, address)
);
CREATE TABLE history (
    id {identity}, workspace TEXT NOT NULL, serial BIGINT NOT NULL, action TEXT NOT NULL,
    address TEXT, actor TEXT NOT NULL, at TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT
);
CREATE INDEX history_by_workspace ON history (workspace, id);
CREATE TABLE leases (
    workspace TEXT PRIMARY KEY REFERENCES workspaces (name), lock_id TEXT NOT NULL UNIQUE,
    operation TEXT NOT NULL, holder TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL
)
"""

_SQLITE_APPEND_ONLY = [
    "CREATE TRIGGER history_no_update BEFORE UPDATE ON history "
    "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END",
    "CREATE TRIGGER history_no_delete BEFORE DELETE ON history "
    "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END",
]

_POSTGRES_APPEND_ONLY = [
    "CREATE FUNCTION provisioner_history_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'history is append-only'; END $$",
    "CREATE TRIGGER history_no_change BEFORE UPDATE OR DELETE ON history "
    "FOR EACH ROW EXECUTE FUNCTION provisioner_history_append_only()",
    "CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON history "
    "FOR EACH STATEMENT EXECUTE FUNCTION provisioner_history_append_only()",
]


def _tables(identity: str) -> list[str]:
    return [s.strip() for s in _TABLES.replace("{identity}", identity).split(";") if s.strip()]


# 2: versioned records. Rows 0.1 wrote are record format 1 (their MAC covers 0.1's columns);
# new writes are format 2, whose MAC covers the record's content, target outputs included.
_VERSIONED_RECORDS = [
    "ALTER TABLE records ADD COLUMN format_version INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE records ADD COLUMN target_outputs TEXT NOT NULL DEFAULT '{}'",
]

# The integrity chain (statehard): the workspace row commits to its records and history
# (``chain``, ``chain_mac``: NULL until the first keyed open establishes them, as a migration has
# no key), history rows carry their chain MAC, leases identify their holder's process, and
# quarantined records are kept aside. Touches only these columns and table: it commutes with any
# other appended step.
def _integrity_chain(identity: str) -> list[str]:
    return [
        "ALTER TABLE workspaces ADD COLUMN chain TEXT",
        "ALTER TABLE workspaces ADD COLUMN chain_mac TEXT",
        "ALTER TABLE history ADD COLUMN mac TEXT",
        "ALTER TABLE leases ADD COLUMN identity TEXT",
        f"CREATE TABLE quarantine (id {identity}, workspace TEXT NOT NULL, address TEXT NOT NULL, "
        "quarantined_at TEXT NOT NULL, actor TEXT NOT NULL, reason TEXT NOT NULL, row TEXT NOT NULL)",
    ]


_SQLITE_ID, _PG_ID = "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
MIGRATIONS: dict[str, list[list[str]]] = {
    "sqlite": [_tables(_SQLITE_ID) + _SQLITE_APPEND_ONLY, _VERSIONED_RECORDS, _integrity_chain(_SQLITE_ID),
               drift_runs.MIGRATION["sqlite"]],
    "postgresql": [_tables(_PG_ID) + _POSTGRES_APPEND_ONLY, _VERSIONED_RECORDS, _integrity_chain(_PG_ID),
                   drift_runs.MIGRATION["postgresql"]],
}
LATEST = len(MIGRATIONS["sqlite"])
_MIGRATION_LOCK = 0x70726F76  # pg advisory lock key: one migrator at a time


def _version(tx: Tx) -> int:
    row = tx.one("SELECT MAX(version) FROM schema_version")
    return int(row[0]) if row and row[0] is not None else 0


def _refuse_newer(version: int, where: str) -> None:
    if version > LATEST:
        raise StateError(
            f"the state at {where} has schema version {version}, newer than this provisioner supports ({LATEST})",
            hint="upgrade provisioner; a newer version has migrated this state and older ones must not write it",
            code="state-schema-too-new",
        )


def ensure_schema(backend: Backend) -> int:
    """Create or migrate the schema to ``LATEST``; returns the version found before migrating."""
    if backend.has_table("schema_version"):
        with backend.read() as tx:
            found = _version(tx)
        _refuse_newer(found, backend.description)
        if found == LATEST:
            return found
    with backend.write() as tx:
        if backend.dialect == "postgresql":
            tx.one("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
        tx.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
        found = _version(tx)
        _refuse_newer(found, backend.description)
        for version in range(found + 1, LATEST + 1):
            for statement in MIGRATIONS[backend.dialect][version - 1]:
                tx.execute(statement)
            tx.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                       (version, tx.now().isoformat()))
    return found
