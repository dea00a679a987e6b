"""``provisioner init``: scaffold a working repository, never overwriting what is there.

Writes provisioner.yaml, .sops.yaml (secret fields only, mac_only_encrypted, the age
recipients), .gitignore entries for keys, local state and plan files, a ``schemas/`` copy that the
files' modelines point at, the repository's keys outside the tree (``init_keys``: a fresh age identity
in sops' own key file unless --key-file or --age-recipient says otherwise; a state key of its own
unless PROVISIONER_STATE_KEY is set), and an example connection whose secrets sops encrypts from
stdin. Existing files are skipped and reported; an existing key file is reused or appended to,
never replaced.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from provisioner.commands import init_keys, init_sandbox, scaffold
from provisioner.commands.schema import export_schemas
from provisioner.diagnostics import Diagnostics, SourceRange
from provisioner.errors import SecretsError
from provisioner.files import PRIVATE, PUBLIC, write_file
from provisioner.secrets.age_keys import is_recipient
from provisioner.secrets.key_location import sops_default_age_key_file
from provisioner.secrets.sops import Sops
from provisioner.secrets.sops_config import sops_config_text

Status = Literal["created", "updated", "skipped"]


@dataclass(frozen=True)
class ScaffoldEntry:
    path: Path
    status: Status
    note: str = ""


@dataclass
class InitResult:
    root: Path
    entries: list[ScaffoldEntry] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    key_file: Path | None = None
    state_key_file: Path | None = None
    sandbox_command: str | None = None  # init --sandbox: the one command that starts the sandbox
    next_steps: list[str] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)

    def add(self, path: Path, status: Status, note: str = "") -> None:
        self.entries.append(ScaffoldEntry(path, status, note))


def _shown(path: Path, root: Path) -> str:
    """``path`` as written into provisioner.yaml: relative to the project, ~/..., or absolute."""
    home = Path(os.environ.get("HOME") or Path.home())
    if path.is_relative_to(root):
        return str(path.relative_to(root))
    if path.is_relative_to(home):
        return "~/" + str(path.relative_to(home))
    return str(path)


def _create(path: Path, text: str, result: InitResult) -> bool:
    """Write ``path`` only if it does not exist; record what happened."""
    try:
        write_file(path, text, mode=PUBLIC, exclusive=True)
    except FileExistsError:
        result.add(path, "skipped", "exists; left unchanged")
        return False
    result.add(path, "created")
    return True


def _gitignore(root: Path, extra: Sequence[str], result: InitResult) -> None:
    path = root / ".gitignore"
    wanted = [*scaffold.GITIGNORE_ENTRIES, *extra]
    if not path.exists():
        _create(path, "# provisioner: local state, keys and plan files\n" + "\n".join(wanted) + "\n", result)
        return
    text = path.read_text(encoding="utf-8")
    missing = [w for w in wanted if w not in {line.strip() for line in text.splitlines()}]
    if not missing:
        result.add(path, "skipped", "already ignores keys and local state")
        return
    with path.open("a", encoding="utf-8") as fh:
        fh.write(("" if text.endswith("\n") or not text else "\n") + "\n".join(missing) + "\n")
    result.add(path, "updated", "added " + ", ".join(missing))


def init_project(
    directory: Path, *, age_recipients: Sequence[str] = (), key_file: Path | None = None, sops: Sops | None = None,
    sandbox_port: int | None = None,
) -> InitResult:
    """Scaffold ``directory``. ``sandbox_port`` (init --sandbox; 0: a free port now): the example's credentials
    are also written for a local sandbox on that port, and ``result.sandbox_command`` starts it."""
    root = directory.expanduser().resolve()
    result = InitResult(root)
    for recipient in age_recipients:
        if not is_recipient(recipient):
            result.diagnostics.error(
                "init.bad-recipient", f"{recipient!r} is not an age recipient",
                hint="age recipients look like age1... (age-keygen -y KEYFILE prints one)",
            )
    if result.diagnostics.has_errors:
        return result
    root.mkdir(parents=True, exist_ok=True)
    result.recipients = list(dict.fromkeys(age_recipients))
    sops_yaml = root / ".sops.yaml"
    identity = None
    if key_file is not None:
        result.key_file = key_file.expanduser().absolute()
        identity = init_keys.given_key(result, result.key_file)
        if identity is None:
            return result
    elif not age_recipients and not sops_yaml.exists():  # a repository with a .sops.yaml has its recipients
        identity = init_keys.repository_key(result, root)
        result.key_file = sops_default_age_key_file()
    if identity is not None:
        result.recipients = list(dict.fromkeys([*result.recipients, identity.recipient]))

    # sops finds its default key file itself: provisioner.yaml names only a key given with --key-file
    shown_key = _shown(result.key_file, root) if key_file is not None and result.key_file else None
    config_file = root / "provisioner.yaml"
    state_key_file = None if config_file.exists() else init_keys.state_key(result, root)
    state_key = _shown(state_key_file, root) if state_key_file else None
    _create(config_file, scaffold.provisioner_yaml(shown_key, state_key), result)
    if sops_yaml.exists():
        result.add(sops_yaml, "skipped", "exists; left unchanged")
    else:
        _create(sops_yaml, sops_config_text(result.recipients), result)
    in_tree = [shown_key] if result.key_file and result.key_file.is_relative_to(root) and shown_key else []
    _gitignore(root, in_tree, result)
    _schemas(root, result)
    plaintext = _sandbox(root, sandbox_port, result) if sandbox_port is not None else scaffold.example_connection()
    _example(root, sops_yaml, sops, result, plaintext)
    result.next_steps = scaffold.next_steps(str(result.key_file) if shown_key else None, bool(shown_key))
    if result.sandbox_command:
        result.next_steps[:0] = [f"start the sandbox (another terminal): {result.sandbox_command}",
                                 "then: provisioner validate --decrypt && provisioner plan && provisioner apply "
                                 "--auto-approve"]
    return result


def _sandbox(root: Path, port: int, result: InitResult) -> str:
    """The sandbox's integrations file (0600, git-ignored) and the example's text sharing its credentials."""
    port = port or init_sandbox.free_port()
    plaintext, integrations = init_sandbox.sandbox_example(port)
    path = init_sandbox.integrations_path(root)
    try:
        write_file(path, integrations, mode=PRIVATE, exclusive=True)
    except FileExistsError:
        result.add(path, "skipped", "exists; left unchanged")
        return scaffold.example_connection()
    result.add(path, "created", "the sandbox's integrations, mode 0600, git-ignored")
    result.sandbox_command = init_sandbox.sandbox_command(port)
    return plaintext


def _schemas(root: Path, result: InitResult) -> None:
    """A copy of the published schemas in ``schemas/``: the modelines of the files written here point at it."""
    for document in export_schemas().documents:
        _create(root / scaffold.SCHEMA_DIR / document.file_name, document.text, result)


def _example(root: Path, sops_yaml: Path, sops: Sops | None, result: InitResult, plaintext: str) -> None:
    target = root / scaffold.EXAMPLE_CONNECTION
    if target.exists():
        result.add(target, "skipped", "exists; left unchanged")
        return
    try:
        encrypted = (sops or Sops()).encrypt(plaintext, filename=target, config=sops_yaml, cwd=root)
    except SecretsError as exc:
        result.diagnostics.error("init.encrypt-failed", exc.message, hint=exc.hint, source=SourceRange(str(sops_yaml)))
        return
    _create(target, encrypted, result)
