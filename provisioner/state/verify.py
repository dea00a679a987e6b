"""Reading a workspace under its chain: which records are sound, which are tampered and why.

A tampered record (its MAC fails, or it is not what the chain commits to: missing, older, newer,
replaced, extra) is reported, not raised: the other records keep working. A workspace-level
failure (the chain itself, the serial, the history) still refuses the whole workspace.
"""

from __future__ import annotations

from provisioner.errors import StateError
from provisioner.state import chain, codec
from provisioner.state.chain import Chain
from provisioner.state.record_mac import mac_matches
from provisioner.state.records import Record, Snapshot
from provisioner.state.workspace_row import Keys


def problem(keys: Keys, workspace: str, lineage: str, ws_chain: Chain, *, address: str,
            stored: codec.StoredRecord | None) -> str | None:
    """Why the record at ``address`` (its row, or None) cannot be trusted; None when it can."""
    if stored is not None and not mac_matches(keys.state, workspace, lineage, stored):
        return "its record MAC does not match: the row was changed outside provisioner"
    return chain.record_problem(ws_chain, address, None if stored is None else (stored.serial, stored.mac))


def tampered_record(workspace: str, address: str, why: str) -> StateError:
    return StateError(
        f"record {address} in workspace {workspace} failed its integrity check: {why}",
        hint=f"inspect it, then `provisioner state quarantine {address}` (kept aside) or "
             f"`provisioner state rm {address}`, and re-apply it; or restore the state from a backup "
             "(see docs/state.md, Recovery)",
        code="state-tampered",
    )


def sort_records(keys: Keys, workspace: str, lineage: str, ws_chain: Chain,
                 rows: list[codec.StoredRecord]) -> tuple[dict[str, Record], dict[str, str]]:
    """(sound records by address, tampered address -> why), over the rows and what the chain commits to."""
    records: dict[str, Record] = {}
    tampered: dict[str, str] = {}
    seen = set()
    for stored in rows:
        seen.add(stored.address)
        why = problem(keys, workspace, lineage, ws_chain, address=stored.address, stored=stored)
        if why is None:
            records[stored.address] = codec.decode(keys.state, workspace, lineage, stored)
        else:
            tampered[stored.address] = why
    for address in sorted(set(ws_chain.records) - seen):
        tampered[address] = chain.record_problem(ws_chain, address, None) or "missing"
    return records, tampered


def require_sound(snapshot: Snapshot) -> Snapshot:
    """``snapshot`` when it reports nothing tampered; otherwise the error naming the first tampered record."""
    for address in sorted(snapshot.tampered):
        raise tampered_record(snapshot.workspace, address, snapshot.tampered[address])
    return snapshot
