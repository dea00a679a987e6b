"""Entry point: ``provisioner.cli.boundary`` runs the command tree (its commands imported lazily, see
``provisioner.cli.registry``) and turns every way out into an exit code."""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from types import FrameType
from typing import NoReturn

from provisioner.cli.boundary import run
from provisioner.errors import Interrupted


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    # Ctrl-C and SIGTERM (a CI runner cancelling the job, ``kill``) unwind the stack, so a lease taken by
    # apply or rekey is released. Left to the defaults, SIGTERM would end the process on the spot and
    # leave the lease until it expires (another host cannot tell that its holder is gone), and the
    # CLI framework would turn Ctrl-C into a silent exit 130. ``apply`` replaces both handlers once its
    # work starts, to stop gracefully.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    sys.exit(run(sys.argv[1:] if argv is None else argv))
