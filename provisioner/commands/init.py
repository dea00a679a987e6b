"""``provisioner init``: scaffold a working repository, never overwriting what is there.

Writes provisioner.yaml, .sops.yaml (secret fields only, mac_only_encrypted, the age
recipients), .gitignore entries for keys and local state, an age key when none is given
(0600, outside the repository by default: ~/.config/provisioner/age/<project>.agekey), a state
key likewise (~/.config/provisioner/state/<project>.key) unless PROVISIONER_STATE_KEY is set, and
an example connection whose secrets sops encrypts from stdin. Existing files are skipped
and reported; an existing key file is reused, never replaced.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from provisioner.commands import scaffold
from provisioner.config import ENV_STATE_KEY
from provisioner.diagnostics import Diagnostics, SourceRange
from provisioner.errors import SecretsError
from provisioner.files import PUBLIC, write_file
from provisioner.secrets.age_keys import AgeIdentity, is_recipient, read_identity, write_identity
from provisioner.secrets.keys import write_new_key_file
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
    next_steps: list[str] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)

    def add(self, path: Path, status: Status, note: str = "") -> None:
        self.entries.append(ScaffoldEntry(path, status, note))


def project_name(root: Path) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", root.name.lower()).strip("-") or "project"


def _config_home(environ: dict[str, str] | None) -> Path:
    env = os.environ if environ is None else environ
    return Path(env.get("XDG_CONFIG_HOME") or Path(env.get("HOME") or Path.home()) / ".config")


def default_key_file(root: Path, environ: dict[str, str] | None = None) -> Path:
    return _config_home(environ) / "provisioner" / "age" / f"{project_name(root)}.agekey"


def default_state_key_file(root: Path, environ: dict[str, str] | None = None) -> Path:
    return _config_home(environ) / "provisioner" / "state" / f"{project_name(root)}.key"


def _state_key(result: InitResult, root: Path) -> str | None:
    """A state key file outside the tree (reused when present); None when PROVISIONER_STATE_KEY is set."""
    if os.environ.get(ENV_STATE_KEY):
        return None
    path = default_state_key_file(root)
    if path.exists():
        result.add(path, "skipped", "existing state key reused")
    else:
        write_new_key_file(path)
        result.add(path, "created", "state key, mode 0600")
    result.state_key_file = path
    return _shown(path, root)


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


def _key(result: InitResult, key_file: Path) -> AgeIdentity | None:
    if key_file.exists():
        try:
            identity = read_identity(key_file)
        except (OSError, ValueError):
            result.diagnostics.error(
                "init.bad-key-file", f"{key_file} is not an age key file", source=SourceRange(str(key_file)),
                hint="pass --key-file with an age-keygen identity, or a path that does not exist yet",
            )
            return None
        result.add(key_file, "skipped", "existing age key reused")
        return identity
    identity = AgeIdentity.generate()
    write_identity(key_file, identity)
    result.add(key_file, "created", "age key, mode 0600")
    return identity


def _gitignore(root: Path, extra: Sequence[str], result: InitResult) -> None:
    path = root / ".gitignore"
    wanted = [*scaffold.GITIGNORE_ENTRIES, *extra]
    if not path.exists():
        _create(path, "# provisioner: local state and keys\n" + "\n".join(wanted) + "\n", result)
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
    directory: Path, *, age_recipients: Sequence[str] = (), key_file: Path | None = None, sops: Sops | None = None
) -> InitResult:
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
    if key_file is not None or not age_recipients:
        result.key_file = (key_file.expanduser().absolute() if key_file else default_key_file(root))
        identity = _key(result, result.key_file)
        if identity is None:
            return result
        result.recipients = list(dict.fromkeys([*result.recipients, identity.recipient]))

    shown_key = _shown(result.key_file, root) if result.key_file else None
    config_file = root / "provisioner.yaml"
    state_key = None if config_file.exists() else _state_key(result, root)
    _create(config_file, scaffold.provisioner_yaml(shown_key, state_key), result)
    sops_yaml = root / ".sops.yaml"
    _create(sops_yaml, sops_config_text(result.recipients), result)
    in_tree = [shown_key] if result.key_file and result.key_file.is_relative_to(root) and shown_key else []
    _gitignore(root, in_tree, result)
    _example(root, sops_yaml, sops, result)
    result.next_steps = scaffold.next_steps(str(result.key_file) if result.key_file else None, bool(shown_key))
    return result


def _example(root: Path, sops_yaml: Path, sops: Sops | None, result: InitResult) -> None:
    target = root / scaffold.EXAMPLE_CONNECTION
    if target.exists():
        result.add(target, "skipped", "exists; left unchanged")
        return
    plaintext = scaffold.example_connection()
    try:
        encrypted = (sops or Sops()).encrypt(plaintext, filename=target, config=sops_yaml, cwd=root)
    except SecretsError as exc:
        result.diagnostics.error("init.encrypt-failed", exc.message, hint=exc.hint, source=SourceRange(str(sops_yaml)))
        return
    _create(target, encrypted, result)
