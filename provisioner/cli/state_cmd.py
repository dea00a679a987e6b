"""``provisioner state list|show|history|locks|unlock|rekey|quarantine|rm``: inspect and repair the stored state."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from provisioner.cli import view
from provisioner.cli.options import HUMAN_JSON, LockTimeoutOpt, WorkspaceOpt, format_option
from provisioner.cli.root import app
from provisioner.commands.drift import drift_history
from provisioner.commands.state_admin import rekey_state, set_aside, unlock_state
from provisioner.commands.state_read import list_state, show_state, state_history, state_locks
from provisioner.config import load_config
from provisioner.errors import ProvisionerError
from provisioner.render.drift import print_drift_runs
from provisioner.render.formats import OutputFormat
from provisioner.render.state import print_state

state_app = typer.Typer(name="state", help="Inspect and repair the state: records, history, locks, key.",
                        no_args_is_help=True)
app.add_typer(state_app, name="state")

FormatOpt = Annotated[OutputFormat, format_option(*HUMAN_JSON)]
HUMAN = OutputFormat.HUMAN


@state_app.command("list")
def list_cmd(fmt: FormatOpt = HUMAN, workspace: WorkspaceOpt = None) -> None:
    """List the records of the workspace."""
    fmt = view.choose(fmt)
    print_state(list_state(load_config(require_project=True), workspace), fmt)


@state_app.command("show")
def show_cmd(name: Annotated[str, typer.Argument(metavar="NAME", help="Record address (connection.NAME) or name.")],
             fmt: FormatOpt = HUMAN, workspace: WorkspaceOpt = None) -> None:
    """Show one record; secrets appear only as (sensitive) and a fingerprint prefix."""
    fmt = view.choose(fmt)
    print_state(show_state(load_config(require_project=True), name, workspace), fmt)


@state_app.command("history")
def history_cmd(limit: Annotated[int | None, typer.Option(
                    "--limit", "-n", metavar="N", min=1, help="Only the last N entries.")] = None,
                drift: Annotated[bool, typer.Option(
                    "--drift", help="Show the drift runs (recorded apart from the writes) instead.")] = False,
                fmt: FormatOpt = HUMAN, workspace: WorkspaceOpt = None) -> None:
    """Show the append-only history of the workspace, oldest first."""
    fmt = view.choose(fmt)
    if drift:
        print_drift_runs(*drift_history(load_config(require_project=True), limit, workspace), fmt)
        return
    print_state(state_history(load_config(require_project=True), limit, workspace), fmt)


@state_app.command("locks")
def locks_cmd(fmt: FormatOpt = HUMAN, workspace: WorkspaceOpt = None) -> None:
    """Show who holds the workspace lease, if anyone."""
    fmt = view.choose(fmt)
    print_state(state_locks(load_config(require_project=True), workspace), fmt)


@state_app.command("unlock")
def unlock_cmd(lock_id: Annotated[str, typer.Argument(
                   metavar="LOCK_ID", help="The lock id (see `state locks` or the lock error).")],
               fmt: FormatOpt = HUMAN, workspace: WorkspaceOpt = None) -> None:
    """Release a stuck lease (its holder died). Recorded in history."""
    fmt = view.choose(fmt)
    print_state(unlock_state(load_config(require_project=True), lock_id, workspace), fmt)


@state_app.command("rekey")
def rekey_cmd(new_key_file: Annotated[Path, typer.Option(
                  "--new-key-file", metavar="PATH",
                  help="File holding the new key (base64); never pass a key in argv.")],
              lock_timeout: LockTimeoutOpt = 0.0,
              fmt: FormatOpt = HUMAN, workspace: WorkspaceOpt = None) -> None:
    """Re-seal every secret under a new key, atomically. Switch to the new key afterwards."""
    fmt = view.choose(fmt)
    config = load_config(require_project=True)
    print_state(rekey_state(config, new_key_file, lock_timeout=lock_timeout, workspace=workspace), fmt)


NameArg = Annotated[str, typer.Argument(metavar="NAME", help="Record address (connection.NAME) or name.")]


@state_app.command("quarantine")
def quarantine_cmd(name: NameArg, fmt: FormatOpt = HUMAN, workspace: WorkspaceOpt = None) -> None:
    """Move a (tampered) record aside: kept for inspection, no longer used. Needs the key; recorded in history."""
    fmt = view.choose(fmt)
    print_state(set_aside(load_config(require_project=True), name, keep=True, workspace=workspace), fmt)


@state_app.command("rm")
def rm_cmd(name: NameArg, yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
           fmt: FormatOpt = HUMAN, workspace: WorkspaceOpt = None) -> None:
    """Remove a record from the state (its secrets too). Needs the key; recorded in history."""
    fmt = view.choose(fmt)
    config = load_config(require_project=True)
    if not yes:
        if not sys.stdin.isatty():
            raise ProvisionerError(f"refusing to remove {name} without confirmation: no terminal to ask on",
                                   code="not-approved", hint="pass --yes")
        if not typer.confirm(f"Remove {name} from the state?", default=False):
            raise ProvisionerError(f"{name} was not removed", code="not-approved")
    print_state(set_aside(config, name, keep=False, workspace=workspace), fmt)
