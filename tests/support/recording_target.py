"""A test-only ``Target``: an in-memory remote registry that records every call.

It behaves like the REST target issue 14 will add, in miniature: ``put`` creates a remote
connection with an id and a version (or replaces the one ``previous`` names, bumping its
version), finds a half-done create again by its external id (lineage + address) instead of
duplicating it, can be told to fail a remote test, refuse a put or refuse a delete, and can be
read back. Thread-safe: the executor calls ``test`` and ``put`` from its worker threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from provisioner.state.records import Record
from provisioner.targets import Capabilities, Desired, RemoteView, RunContext, TargetError, TargetOutputs


@dataclass
class Remote:
    remote_id: str
    external_id: str
    spec: dict[str, Any]
    version: int = 1


@dataclass
class RecordingTarget:
    fail_test: set[str] = field(default_factory=set)  # connection names whose remote test fails
    refuse_put: set[str] = field(default_factory=set)  # names whose create/update the target refuses (a 422)
    refuse_delete: dict[str, str] = field(default_factory=dict)  # name -> the flow that still uses it
    reject_token: bool = False  # prepare() fails, as a REST target's would with a rejected API token
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, address), in call order
    contexts: list[RunContext] = field(default_factory=list)
    remote: dict[str, Remote] = field(default_factory=dict)  # by remote id
    closed: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _lineage: str = ""

    @property
    def name(self) -> str:
        return "recording"

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(reads_back=True)

    def _call(self, method: str, address: str) -> None:
        with self._lock:
            self.calls.append((method, address))

    def calls_to(self, method: str) -> list[str]:
        return [a for m, a in self.calls if m == method]

    def prepare(self, run: RunContext) -> None:
        self._call("prepare", "")
        if self.reject_token:
            raise TargetError("the API token was rejected (RECORDING_TOKEN)", code="unauthorized", status=401,
                              hint="set RECORDING_TOKEN to a valid token")
        self.contexts.append(run)
        self._lineage = run.lineage

    def test(self, desired: Desired) -> None:
        self._call("test", desired.address)
        if desired.name in self.fail_test:
            raise TargetError("the remote test was refused: 401 from the shop", code="unauthorized", status=401,
                              hint="check the credentials")

    def put(self, desired: Desired) -> TargetOutputs:
        self._call("put", desired.address)
        if desired.name in self.refuse_put:
            raise TargetError("422 invalid_field: http.baseURI is not allowed", code="invalid-field", status=422,
                              hint="fix the field the target names")
        external_id = f"{self._lineage}/{desired.address}"
        with self._lock:
            current = self.remote.get(str(desired.previous.get("remote_id", "")))
            current = current or next((r for r in self.remote.values() if r.external_id == external_id), None)
            if current is None:
                current = Remote(f"r{len(self.remote) + 1:04d}", external_id, dict(desired.spec))
                self.remote[current.remote_id] = current
            else:
                current.spec, current.version = dict(desired.spec), current.version + 1
            return {"remote_id": current.remote_id, "remote_version": str(current.version)}

    def delete(self, record: Record) -> None:
        self._call("delete", record.address)
        if record.name in self.refuse_delete:
            raise TargetError(f"still used by flows: {self.refuse_delete[record.name]}", code="in-use",
                              hint="remove the connection from those flows first")
        with self._lock:
            self.remote.pop(str(record.target_outputs.get("remote_id", "")), None)

    def read(self, record: Record) -> RemoteView | None:
        found = self.remote.get(str(record.target_outputs.get("remote_id", "")))
        return self._view(found) if found else None

    def read_all(self) -> Iterator[RemoteView]:
        return iter([self._view(r) for r in self.remote.values()])

    @staticmethod
    def _view(r: Remote) -> RemoteView:
        return RemoteView(r.remote_id, r.spec, external_id=r.external_id, version=str(r.version))

    def own_secrets(self) -> tuple[str, ...]:
        return ()

    def close(self) -> None:
        self.closed = True
