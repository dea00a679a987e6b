"""One measured child process: wall time and peak resident memory, from ``os.wait4``'s rusage."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_mb: float  # the child's own peak RSS (ru_maxrss of the process and the children it waited for)


class StageFailed(RuntimeError):
    """A measured command exited with a status it should not have (its stderr tail, never a secret: the
    benchmark's credentials are generated for the run and protect nothing)."""


def run(argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, ok: Sequence[int] = (0,),
        stdin: bytes | None = None) -> Sample:
    started = time.perf_counter()
    child = subprocess.Popen(list(argv), cwd=cwd, env=dict(env), stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if stdin:
        assert child.stdin is not None
        child.stdin.write(stdin)
        child.stdin.close()
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in ok:
        tail = err.decode("utf-8", "replace")[-2000:]
        raise StageFailed(f"{' '.join(argv[:4])}… exited {child.returncode}:\n{tail}")
    return Sample(seconds, usage.ru_maxrss / 1024)


@dataclass(frozen=True)
class Series:
    samples: tuple[Sample, ...]

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def low(self) -> float:
        return min(s.seconds for s in self.samples)

    @property
    def high(self) -> float:
        return max(s.seconds for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return max(s.peak_mb for s in self.samples)

    def text(self) -> str:
        if len(self.samples) == 1:
            return _seconds(self.median)
        return f"{_seconds(self.median)} ({_seconds(self.low)}..{_seconds(self.high)})"


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
