"""Where sops itself looks for age identities when no variable names one, and adding an identity there.

sops (https://getsops.io/docs/usage/identities/age/) reads ``$XDG_CONFIG_HOME/sops/age/keys.txt``,
falling back to ``$HOME/.config/sops/age/keys.txt`` on Linux and
``$HOME/Library/Application Support/sops/age/keys.txt`` on macOS. The file may hold many identities;
sops tries each. ``init`` appends one fresh identity per repository there, so a plain ``sops edit``
finds it with no export, and two repositories never share a key.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from provisioner.secrets.age_keys import AgeIdentity


def sops_default_age_key_file(environ: Mapping[str, str] | None = None) -> Path:
    """The key file sops reads when neither SOPS_AGE_KEY_FILE nor SOPS_AGE_KEY is set."""
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_CONFIG_HOME")
    if xdg:
        return Path(xdg) / "sops" / "age" / "keys.txt"
    home = Path(env.get("HOME") or Path.home())
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "sops" / "age" / "keys.txt"
    return home / ".config" / "sops" / "age" / "keys.txt"


def append_identity(path: Path, identity: AgeIdentity, label: str) -> bool:
    """Append ``identity`` to the key file ``path`` (created 0600, parents 0700); True when it was created.

    The existing identities are left as they are: the file is opened for appending only.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        if not created and path.stat().st_size:
            fh.write("\n")
        fh.write(f"# provisioner: {label}\n{identity.key_file_text()}")
    return created
