"""The ``.sops.yaml`` that makes sops encrypt exactly the secret fields of declarations.

``encrypted_regex`` names the secret fields of every registered application and of Agent
(``secret_field_names()``) and nothing else, so every other field stays
readable in review; ``mac_only_encrypted: true`` makes the MAC cover only the encrypted
values, so plain fields can be edited without sops and a tampered secret is still caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from provisioner.applications.registry import secret_field_names

DEFAULT_PATH_REGEX = r"\.ya?ml$"


def encrypted_regex(fields: Iterable[str] | None = None) -> str:
    """The ``encrypted_regex`` matching exactly ``fields`` (default: every registered secret field name)."""
    names = tuple(fields) if fields is not None else secret_field_names()
    return "^(" + "|".join(re.escape(name) for name in names) + ")$"


def sops_config_text(
    recipients: Sequence[str], *, path_regex: str = DEFAULT_PATH_REGEX, mac_only_encrypted: bool = True
) -> str:
    """The text of a .sops.yaml with one creation rule for ``recipients`` (age, at least one)."""
    if not recipients:
        raise ValueError("at least one age recipient is needed")
    lines = [
        "# sops settings: which fields are encrypted, and for whom (docs/secrets.md).",
        "# Add a teammate or a CI key: append its age recipient below, then run",
        "#   provisioner secrets updatekeys --all   (or sops updatekeys FILE for each file)",
        "creation_rules:",
        f"  - path_regex: '{path_regex}'",
        f"    encrypted_regex: '{encrypted_regex()}'",
    ]
    if mac_only_encrypted:
        lines.append("    mac_only_encrypted: true")
    lines.append("    age: >-")
    lines.append("      " + ",\n      ".join(recipients))
    return "\n".join(lines) + "\n"
