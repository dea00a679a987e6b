"""What the fuzz tests share: the example counts, the settings, and a hang guard per case.

``EXAMPLES`` is a few hundred by default and 10,000 with ``PROVISIONER_LONG=1``; under ``CI`` the
draw is derandomized (tests/conftest.py), so CI decides the same every time. ``hang_guard(seconds)``
fails the case in hand (a ``Hang`` raised in the main thread) when it has not finished in time: a
bound, so that a hang is a failure and not a stuck run — never a measurement.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from hypothesis import HealthCheck, settings

LONG = os.environ.get("PROVISIONER_LONG") == "1"
EXAMPLES = 10_000 if LONG else 300
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
GUARD_SECONDS = 20.0


class Hang(Exception):
    """A case did not finish within its hang guard."""


@contextmanager
def hang_guard(seconds: float = GUARD_SECONDS) -> Iterator[None]:
    def expired(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"the case did not finish within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
