"""Rendering of the ``state`` commands, human and JSON, from the same dictionaries. No secret value reaches here."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from rich.markup import escape

from provisioner.commands.state_admin import StateRekeyResult, StateSetAsideResult, StateUnlockResult
from provisioner.commands.state_read import StateHistoryResult, StateListResult, StateLocksResult, StateShowResult
from provisioner.render.console import stderr_console, stdout_console
from provisioner.render.document import print_document
from provisioner.render.drift import last_drift_dict, last_drift_text
from provisioner.render.formats import OutputFormat
from provisioner.state.records import HistoryEntry, LockInfo, Record

StateResult = (StateListResult | StateShowResult | StateHistoryResult | StateLocksResult | StateUnlockResult
               | StateRekeyResult | StateSetAsideResult)
SENSITIVE = "(sensitive)"


def _time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# Records applied by 0.1 stored ``elapsedMs`` and ``testedAt`` in their last test; they read the same as new ones.
_OLD_TEST_KEYS = {"elapsedMs": "elapsed_ms", "testedAt": "tested_at"}


def last_test(stored: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A record's last test with snake_case keys, whichever release stored it."""
    if stored is None:
        return None
    return {_OLD_TEST_KEYS.get(k, k): v for k, v in stored.items()}


def _record_row(r: Record) -> dict[str, Any]:
    return {"address": r.address, "kind": r.kind, "name": r.name, "serial": r.serial,
            "applied_at": r.applied_at.isoformat(), "applied_by": r.applied_by, "git_commit": r.git_commit,
            "last_test_outcome": (r.last_test or {}).get("outcome")}


def _entry(e: HistoryEntry) -> dict[str, Any]:
    return {"serial": e.serial, "action": e.action, "address": e.address, "actor": e.actor,
            "at": e.at.isoformat(), "outcome": e.outcome, "detail": e.detail}


def _lock(lock: LockInfo) -> dict[str, Any]:
    return {"lock_id": lock.lock_id, "workspace": lock.workspace, "operation": lock.operation, "holder": lock.holder,
            "created_at": lock.created_at.isoformat(), "expires_at": lock.expires_at.isoformat()}


def to_dict(result: StateResult) -> dict[str, Any]:
    if isinstance(result, StateListResult):
        return {"workspace": result.workspace, "lineage": result.lineage, "serial": result.serial,
                "records": [{**_record_row(r), "last_drift": last_drift_dict(result.drift.get(r.address))}
                            for r in result.records],
                "tampered": [{"address": a, "reason": why} for a, why in result.tampered.items()]}
    if isinstance(result, StateShowResult):
        r = result.record
        return {"workspace": result.workspace, **_record_row(r), "spec": r.spec, "last_test": last_test(r.last_test),
                "last_drift": last_drift_dict(result.drift),
                # keyed by field path in lists, so every key of the document is one of ours (docs/json.md)
                "secrets": [{"path": p, "value": SENSITIVE, "fingerprint": fp} for p, fp in result.secrets().items()],
                "sops_digests": [{"path": p, "digest": d} for p, d in sorted(r.sops_digests.items())]}
    if isinstance(result, StateHistoryResult):
        return {"workspace": result.workspace, "entries": [_entry(e) for e in result.entries]}
    if isinstance(result, StateLocksResult):
        return {"workspace": result.workspace, "locks": [_lock(lock) for lock in result.locks]}
    if isinstance(result, StateUnlockResult):
        return {"workspace": result.workspace, "unlocked": result.lock_id}
    if isinstance(result, StateSetAsideResult):
        return {"workspace": result.workspace, "address": result.address, "action": result.action,
                "serial": result.serial}
    return {"workspace": result.workspace, "records": result.records, "serial": result.serial,
            "new_key_file": str(result.new_key_file)}


def _human_lines(result: StateResult) -> list[str]:
    if isinstance(result, StateListResult):
        lines = [f"workspace {result.workspace}  lineage {result.lineage}  serial {result.serial}"]
        width = max((len(a) for a in [*(r.address for r in result.records), *result.tampered]), default=0)
        lines += [f"  {r.address:<{width}}  serial {r.serial:<5} applied {_time(r.applied_at)} by {r.applied_by}"
                  f"  test {(r.last_test or {}).get('outcome', '-')}"
                  + (f"  drift {last_drift_text(result.drift[r.address])}" if r.address in result.drift else "")
                  for r in result.records]
        lines += [f"  {a:<{width}}  TAMPERED: {why}" for a, why in result.tampered.items()]
        return lines if result.records or result.tampered else [*lines, "  (no records)"]
    if isinstance(result, StateShowResult):
        r = result.record
        lines = [f"{r.address}  ({r.kind}, workspace {result.workspace}, serial {r.serial})",
                 f"  applied: {_time(r.applied_at)} by {r.applied_by}" + (f" at {r.git_commit}" * bool(r.git_commit)),
                 f"  last test: {json.dumps(last_test(r.last_test), sort_keys=True) if r.last_test else '-'}",
                 f"  last drift: {last_drift_text(result.drift)}",
                 "  spec:"]
        lines += ["    " + line for line in json.dumps(r.spec, indent=2, sort_keys=True).splitlines()]
        lines += ["  secrets:"] + [f"    {p}: {SENSITIVE} fingerprint {fp}" for p, fp in result.secrets().items()]
        return lines
    if isinstance(result, StateHistoryResult):
        return [f"{e.serial:>5}  {_time(e.at)}  {e.action:<14} {e.address or '-':<30} {e.outcome:<7} {e.actor}"
                + (f"  ({e.detail})" if e.detail else "") for e in result.entries] or ["(no history)"]
    if isinstance(result, StateLocksResult):
        none = [f"workspace {result.workspace}: no lock"]
        return [f"{lk.lock_id}  {lk.operation}  held by {lk.holder} since {_time(lk.created_at)}, "
                f"lease until {_time(lk.expires_at)}" for lk in result.locks] or none
    if isinstance(result, StateUnlockResult):
        return [f"released lock {result.lock_id} on workspace {result.workspace}"]
    if isinstance(result, StateSetAsideResult):
        done = "quarantined (kept aside for inspection)" if result.action == "quarantine" else "removed"
        return [f"{done} {result.address} in workspace {result.workspace} (serial {result.serial}); "
                "apply re-creates it from the declarations"]
    return [f"re-sealed {result.records} records of workspace {result.workspace} under the key in "
            f"{result.new_key_file} (serial {result.serial})"]


def print_state(result: StateResult, fmt: OutputFormat = OutputFormat.HUMAN) -> None:
    if fmt == OutputFormat.JSON:
        print_document(to_dict(result), sort_keys=True)
        return
    console = stdout_console()
    for line in _human_lines(result):
        console.print(escape(line), highlight=False)
    if isinstance(result, StateListResult) and result.tampered:
        stderr_console().print(escape(f"warning: {len(result.tampered)} record(s) failed their integrity check "
                                      "and are left out: inspect, then `provisioner state quarantine NAME` or "
                                      "`provisioner state rm NAME`"), style="yellow", highlight=False)
    if isinstance(result, StateRekeyResult):
        stderr_console().print("[yellow]now switch PROVISIONER_STATE_KEY / the key file to the new key: "
                               "the old key no longer opens this workspace[/yellow]")


def warn_tampered(workspace: str, tampered: Mapping[str, str]) -> None:
    """On stderr (never an error): the records a command left out because they failed their integrity check."""
    for address, why in sorted(tampered.items()):
        stderr_console().print(escape(f"warning: record {address} in workspace {workspace} failed its integrity "
                                      f"check ({why}); it is left out. Inspect it, then `provisioner state "
                                      f"quarantine {address}` or `provisioner state rm {address}`"),
                               style="yellow", highlight=False)
