"""Entry point: registers the command modules and is the one boundary that turns exceptions into exit codes."""

from __future__ import annotations

import sys

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
from provisioner.errors import InvalidInputError, ProvisionerError
from provisioner.render.console import stderr_console
from provisioner.render.diagnostics import render_human
from provisioner.render.errors import print_error, print_internal_error, write_crash_report


def main() -> None:
    try:
        app()
    except InvalidInputError as exc:
        render_human(exc.diagnostics.sorted(), stderr_console())
        print_error(exc)
        sys.exit(ExitCode.ERROR)
    except ProvisionerError as exc:
        print_error(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        report = write_crash_report(exc)
        print_internal_error(exc, report)
        sys.exit(ExitCode.INTERNAL)
