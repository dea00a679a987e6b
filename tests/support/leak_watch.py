"""What the leak scan watches while a command runs: its child processes, and the files it leaves.

``run_watched(argv, ...)`` starts a process in a new session and, until it ends, samples every
descendant from /proc every few milliseconds (``/proc/PID/cmdline`` and ``/proc/PID/environ``, each
distinct version kept: a shim that execs changes both), then returns its output and the samples. A child
between fork and exec still shows the command's own argv and environment: it is recognised by its argv
and environment (the command's own) and skipped — what counts is what the exec'd program is given.
Short-lived children (sops, git) can finish between two samples, so ``write_shim`` also wraps a
program: the shim writes its own argv and environment to a log file, then execs the real program, and
the log is scanned with the other files.

``FileSnapshot`` remembers (size, mtime) of every file under some roots, so after a command only the
files it created or changed are read again (``changed``).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_SECONDS = 0.003


@dataclass(frozen=True)
class ChildSample:
    pid: int
    cmdline: bytes
    environ: bytes


@dataclass
class WatchedRun:
    argv: list[str]
    returncode: int
    stdout: bytes
    stderr: bytes
    children: list[ChildSample] = field(default_factory=list)

    @property
    def text(self) -> str:
        return (self.stdout + b"\n" + self.stderr).decode("utf-8", "replace")


def _stat_fields(pid: str) -> tuple[int, int] | None:
    """(ppid, session id) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    rest = raw[raw.rfind(b")") + 2:].split()
    return int(rest[1]), int(rest[3])


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


class ChildSampler:
    """Polls /proc for every descendant of ``root`` (by parent chain or by session) and keeps what it saw."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.samples: dict[tuple[int, bytes, bytes], ChildSample] = {}
        self._known: set[str] = set()
        self._family: set[int] = {root}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._root_cmdline = b""
        self._root_environ: bytes | None = None

    def __enter__(self) -> ChildSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sweep()
            time.sleep(SAMPLE_SECONDS)

    def sweep(self) -> None:
        if not self._root_cmdline or not self._root_environ:  # read once the command has started
            self._root_cmdline = _read(f"/proc/{self.root}/cmdline") or b""
            self._root_environ = _read(f"/proc/{self.root}/environ")
        current = {entry for entry in os.listdir("/proc") if entry.isdigit()}
        self._family &= {int(entry) for entry in current} | {self.root}  # a pid that is gone may be reused
        for entry in current - self._known:  # new since the last sweep (a reused pid is new again)
            fields = _stat_fields(entry)
            if fields is not None and (fields[0] in self._family or fields[1] == self.root):
                self._family.add(int(entry))
        self._known = current
        for pid in self._family - {self.root}:
            cmdline, environ = _read(f"/proc/{pid}/cmdline"), _read(f"/proc/{pid}/environ")
            if cmdline == self._root_cmdline or (
                    environ == self._root_environ and cmdline is not None
                    and cmdline.split(b"\0", 1)[0] == self._root_cmdline.split(b"\0", 1)[0]):
                continue  # forked, not yet exec'd: a copy of the command itself, not what the child is given
            if cmdline is not None and environ is not None:
                self.samples.setdefault((pid, cmdline, environ), ChildSample(pid, cmdline, environ))


def run_watched(argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float = 300) -> WatchedRun:
    with (subprocess.Popen(list(argv), cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, start_new_session=True) as process,
          ChildSampler(process.pid) as sampler):
        out, err = process.communicate(timeout=timeout)
    return WatchedRun(list(argv), process.returncode, out, err, list(sampler.samples.values()))


def write_shim(directory: Path, program: str, real: str, log_dir: Path) -> Path:
    """``directory/program``: logs its argv and environment to a new file in ``log_dir``, then execs ``real``."""
    directory.mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    shim = directory / program
    shim.write_text(
        "#!/bin/sh\n"
        f"log=$(mktemp {shlex.quote(str(log_dir))}/{program}.XXXXXX)\n"
        "{ echo '--- argv'; printf '%s\\n' \"$0\" \"$@\"; echo '--- env'; env; } > \"$log\"\n"
        f"exec {shlex.quote(real)} \"$@\"\n")
    shim.chmod(0o755)
    return shim


class FileSnapshot:
    def __init__(self, roots: Sequence[Path], excluded: Sequence[Path]) -> None:
        self.roots = list(roots)
        self.excluded = [p.resolve() for p in excluded]
        self._seen: dict[Path, tuple[int, int]] = {}

    def _files(self) -> Iterator[Path]:
        for root in self.roots:
            for path in sorted(root.rglob("*")) if root.exists() else ():
                if path.is_file() and not path.is_symlink() and not any(
                        path.resolve().is_relative_to(e) for e in self.excluded):
                    yield path

    def changed(self) -> list[Path]:
        """Files created or modified since the last call (all of them, the first time)."""
        found = []
        for path in self._files():
            try:
                stat = path.stat()
            except OSError:
                continue
            key = (stat.st_size, stat.st_mtime_ns)
            if self._seen.get(path) != key:
                self._seen[path] = key
                found.append(path)
        return found
