"""Reading the state for drift: the verified records, and the addresses whose records failed verification.

A snapshot reports each record that fails its integrity check (``Snapshot.tampered``, address ->
why) and keeps the others working; those addresses are ``tampered``. When the workspace itself
fails (its integrity chain was changed or removed, so no record can be trusted), ``Store.snapshot``
raises ``StateError(code="state-tampered")``: then every address drift knows of (declared in the
files, or seen by an earlier drift run) is reported ``tampered``, with the store's message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from provisioner.errors import StateError
from provisioner.state import Store
from provisioner.state.records import Record

TAMPERED_CODE = "state-tampered"


@dataclass(frozen=True)
class StateView:
    lineage: str
    serial: int
    records: Mapping[str, Record] = field(default_factory=dict)  # verified, by address
    tampered: Mapping[str, str] = field(default_factory=dict)  # address -> the integrity error (no secret)
    tamper_note: str | None = None  # set when the whole snapshot was refused


def read_state(store: Store, known: Iterable[str]) -> StateView:
    """The store's snapshot; on a tampering error, ``known`` addresses reported tampered."""
    try:
        snapshot = store.snapshot()
    except StateError as exc:
        if exc.code != TAMPERED_CODE:
            raise
        addresses = set(known) | set(store.last_drift())
        return StateView(lineage="", serial=0, tampered=dict.fromkeys(sorted(addresses), exc.message),
                         tamper_note=exc.message)
    return StateView(snapshot.lineage, snapshot.serial, snapshot.records, dict(snapshot.tampered))
