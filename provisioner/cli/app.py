"""Entry point: registers the command modules and is the one boundary that turns exceptions into exit codes."""

from __future__ import annotations

import signal
import sys
from types import FrameType

# Each command module registers its commands on ``app`` when imported; one line per module.
from provisioner.cli import (  # noqa: F401
    apply_cmd,
    init_cmd,
    plan_cmd,
    sandbox_cmd,
    state_cmd,
    test_cmd,
    validate_cmd,
)
from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.root import app
from provisioner.errors import Interrupted, InvalidInputError, ProvisionerError
from provisioner.render.console import stderr_console
from provisioner.render.diagnostics import render_human
from provisioner.render.errors import print_error, print_internal_error, write_crash_report


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


def main() -> None:
    # Ctrl-C and SIGTERM (a CI runner cancelling the job, ``kill``) unwind the stack, so a lease taken by
    # apply or rekey is released. Left to the defaults, SIGTERM would end the process on the spot and
    # leave the lease until it expires (another host cannot tell that its holder is gone), and the
    # CLI framework would turn Ctrl-C into a silent exit 130. ``apply`` replaces both handlers once its
    # work starts, to stop gracefully.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        app()
    except InvalidInputError as exc:
        render_human(exc.diagnostics.sorted(), stderr_console())
        print_error(exc)
        sys.exit(ExitCode.ERROR)
    except ProvisionerError as exc:
        print_error(exc)
        sys.exit(exc.exit_code)
    except Interrupted as exc:
        stderr_console().print(f"interrupted by {signal.Signals(exc.signum).name}: stopped; what was already "
                               "committed stays committed (see `provisioner state history`)")
        sys.exit(128 + exc.signum)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        report = write_crash_report(exc)
        print_internal_error(exc, report)
        sys.exit(ExitCode.INTERNAL)
