"""The keys ``provisioner init`` makes: the repository's age identity and its state key, both outside the tree.

- age: by default a fresh identity appended to the key file sops itself reads
  (``secrets.key_location``), so ``sops edit`` and ``provisioner secrets edit`` work with no export;
  ``--key-file PATH`` uses (or creates) that file instead and provisioner.yaml names it.
- state: ``~/.config/provisioner/state/<project>-<random>.key`` — the random part makes every
  repository's key its own, even for two projects in directories of the same name.
Existing key files are reused or appended to, never replaced.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from provisioner.config import ENV_STATE_KEY
from provisioner.diagnostics import SourceRange
from provisioner.secrets.age_keys import AgeIdentity, read_identity, write_identity
from provisioner.secrets.key_location import append_identity, sops_default_age_key_file
from provisioner.secrets.keys import write_new_key_file

if TYPE_CHECKING:
    from provisioner.commands.init import InitResult


def project_name(root: Path) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", root.name.lower()).strip("-") or "project"


def _config_home(environ: Mapping[str, str] | None) -> Path:
    env = os.environ if environ is None else environ
    return Path(env.get("XDG_CONFIG_HOME") or Path(env.get("HOME") or Path.home()) / ".config")


def new_state_key_file(root: Path, environ: Mapping[str, str] | None = None) -> Path:
    """A state key path no other repository uses: the project's name and a random suffix."""
    return _config_home(environ) / "provisioner" / "state" / f"{project_name(root)}-{secrets.token_hex(4)}.key"


def state_key(result: InitResult, root: Path) -> Path | None:
    """A fresh state key file outside the tree; None when PROVISIONER_STATE_KEY is set."""
    if os.environ.get(ENV_STATE_KEY):
        return None
    path = new_state_key_file(root)
    write_new_key_file(path)
    result.add(path, "created", "state key, mode 0600")
    result.state_key_file = path
    return path


def given_key(result: InitResult, key_file: Path) -> AgeIdentity | None:
    """``--key-file``: the identity in it, or a new one written there (0600)."""
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


def repository_key(result: InitResult, root: Path) -> AgeIdentity:
    """A new identity for this repository, appended to sops' own key file (created 0600 if missing)."""
    path = sops_default_age_key_file()
    identity = AgeIdentity.generate()
    created = append_identity(path, identity, str(root))
    result.add(path, "created" if created else "updated",
               "sops' default age key file, mode 0600" if created else "added this repository's age key")
    return identity
