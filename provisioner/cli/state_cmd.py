"""``provisioner state list|show|history|locks|unlock|rekey``: inspect and repair the stored state."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from provisioner.cli.root import app
from provisioner.commands.state_admin import rekey_state, unlock_state
from provisioner.commands.state_read import list_state, show_state, state_history, state_locks
from provisioner.config import load_config
from provisioner.render.state import print_state

state_app = typer.Typer(name="state", help="Inspect and repair the state: records, history, locks, key.",
                        no_args_is_help=True)
app.add_typer(state_app, name="state")


class StateFormat(StrEnum):
    HUMAN = "human"
    JSON = "json"


FORMAT = typer.Option(StateFormat.HUMAN, "--format", help="Output format.")
WORKSPACE = typer.Option(None, "--workspace", "-w", help="Workspace (default: from settings).")
NEW_KEY_FILE = typer.Option(..., "--new-key-file", help="File holding the new key (base64); never pass a key in argv.")
LOCK_TIMEOUT = typer.Option(0.0, "--lock-timeout", help="Seconds to wait for the workspace lease.")


@state_app.command("list")
def list_cmd(fmt: StateFormat = FORMAT, workspace: str | None = WORKSPACE) -> None:
    """List the records of the workspace."""
    print_state(list_state(load_config(require_project=True), workspace), fmt.value)


@state_app.command("show")
def show_cmd(name: str = typer.Argument(..., help="Record address (connection.NAME) or name."),
             fmt: StateFormat = FORMAT, workspace: str | None = WORKSPACE) -> None:
    """Show one record; secrets appear only as (sensitive) and a fingerprint prefix."""
    print_state(show_state(load_config(require_project=True), name, workspace), fmt.value)


@state_app.command("history")
def history_cmd(limit: int | None = typer.Option(None, "--limit", "-n", min=1, help="Only the last N entries."),
                fmt: StateFormat = FORMAT, workspace: str | None = WORKSPACE) -> None:
    """Show the append-only history of the workspace, oldest first."""
    print_state(state_history(load_config(require_project=True), limit, workspace), fmt.value)


@state_app.command("locks")
def locks_cmd(fmt: StateFormat = FORMAT, workspace: str | None = WORKSPACE) -> None:
    """Show who holds the workspace lease, if anyone."""
    print_state(state_locks(load_config(require_project=True), workspace), fmt.value)


@state_app.command("unlock")
def unlock_cmd(lock_id: str = typer.Argument(..., help="The lock id (see `state locks` or the lock error)."),
               fmt: StateFormat = FORMAT, workspace: str | None = WORKSPACE) -> None:
    """Release a stuck lease (its holder died). Recorded in history."""
    print_state(unlock_state(load_config(require_project=True), lock_id, workspace), fmt.value)


@state_app.command("rekey")
def rekey_cmd(new_key_file: Path = NEW_KEY_FILE, lock_timeout: float = LOCK_TIMEOUT,
              fmt: StateFormat = FORMAT, workspace: str | None = WORKSPACE) -> None:
    """Re-seal every secret under a new key, atomically. Switch to the new key afterwards."""
    config = load_config(require_project=True)
    print_state(rekey_state(config, new_key_file, lock_timeout=lock_timeout, workspace=workspace), fmt.value)
