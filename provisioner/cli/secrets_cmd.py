"""``provisioner secrets edit|updatekeys|rotate|encrypt``: the bundled sops with the repository's key settings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from provisioner.cli import view
from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.options import HUMAN_JSON, format_option
from provisioner.cli.root import app
from provisioner.commands.secrets_edit import edit_secrets
from provisioner.commands.secrets_encrypt import encrypt_files
from provisioner.commands.secrets_files import SecretsResult
from provisioner.commands.secrets_keys import run_key_command
from provisioner.config import load_config
from provisioner.errors import ProvisionerError
from provisioner.render.formats import OutputFormat
from provisioner.render.secrets import print_secrets

secrets_app = typer.Typer(name="secrets", no_args_is_help=True,
                          help="Edit, re-key, rotate and encrypt SOPS files with the bundled sops: no PATH, no export.")
app.add_typer(secrets_app, name="secrets")

FormatOpt = Annotated[OutputFormat, format_option(*HUMAN_JSON)]
FilesArg = Annotated[list[Path] | None, typer.Argument(metavar="FILE...", help="Encrypted files.", show_default=False)]
AllOpt = Annotated[bool, typer.Option("--all", help="Every encrypted file in the project's paths.")]
HUMAN = OutputFormat.HUMAN


def _files_or_all(command: str, files: list[Path] | None, every: bool) -> None:
    if bool(files) == every:
        raise ProvisionerError("name the files, or pass --all (not both)", code="usage",
                               hint=f"Try 'provisioner secrets {command} --help' for help.")


def _finish(result: SecretsResult, fmt: OutputFormat) -> None:
    print_secrets(result, fmt)
    raise typer.Exit(ExitCode.OK if result.ok else ExitCode.ERROR)


@secrets_app.command("edit")
def edit_cmd(file: Annotated[Path, typer.Argument(metavar="FILE", help="The file to edit (created if missing).")],
             fmt: FormatOpt = HUMAN) -> None:
    """Open FILE decrypted in $EDITOR (sops edit); it is re-encrypted when the editor exits."""
    fmt = view.choose(fmt)
    _finish(edit_secrets(load_config(require_project=True), file), fmt)


@secrets_app.command("updatekeys")
def updatekeys_cmd(files: FilesArg = None, every: AllOpt = False, fmt: FormatOpt = HUMAN) -> None:
    """Re-wrap each file's data key for the recipients .sops.yaml names now (sops updatekeys --yes)."""
    fmt = view.choose(fmt)
    _files_or_all("updatekeys", files, every)
    _finish(run_key_command(load_config(require_project=True), "updatekeys", files or (), every=every), fmt)


@secrets_app.command("rotate")
def rotate_cmd(files: FilesArg = None, every: AllOpt = False, fmt: FormatOpt = HUMAN) -> None:
    """Give each file a new data key and re-encrypt every value (sops rotate --in-place)."""
    fmt = view.choose(fmt)
    _files_or_all("rotate", files, every)
    _finish(run_key_command(load_config(require_project=True), "rotate", files or (), every=every), fmt)


@secrets_app.command("encrypt")
def encrypt_cmd(files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Files with secrets in clear.")],
                fmt: FormatOpt = HUMAN) -> None:
    """Encrypt the secret fields left in clear in FILE (a new file, or a sops file edited by hand)."""
    fmt = view.choose(fmt)
    _finish(encrypt_files(load_config(require_project=True), files), fmt)
