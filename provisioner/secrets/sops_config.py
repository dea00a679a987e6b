"""The ``.sops.yaml`` that makes sops encrypt exactly the secret fields of declarations.

``encrypted_regex`` names the secret fields and nothing else, so every other field stays
readable in review; ``mac_only_encrypted: true`` makes the MAC cover only the encrypted
values, so plain fields can be edited without sops and a tampered secret is still caught.
"""

from __future__ import annotations

from collections.abc import Sequence

from provisioner.declarations.models import SECRET_FIELDS

ENCRYPTED_REGEX = "^(" + "|".join(SECRET_FIELDS) + ")$"
DEFAULT_PATH_REGEX = r"\.ya?ml$"


def sops_config_text(
    recipients: Sequence[str], *, path_regex: str = DEFAULT_PATH_REGEX, mac_only_encrypted: bool = True
) -> str:
    """The text of a .sops.yaml with one creation rule for ``recipients`` (age, at least one)."""
    if not recipients:
        raise ValueError("at least one age recipient is needed")
    lines = [
        "# sops settings: which fields are encrypted, and for whom (docs/secrets.md).",
        "# Add a teammate or a CI key: append its age recipient below, then run",
        "#   sops updatekeys <file>   for every file under connections/",
        "creation_rules:",
        f"  - path_regex: '{path_regex}'",
        f"    encrypted_regex: '{ENCRYPTED_REGEX}'",
    ]
    if mac_only_encrypted:
        lines.append("    mac_only_encrypted: true")
    lines.append("    age: >-")
    lines.append("      " + ",\n      ".join(recipients))
    return "\n".join(lines) + "\n"
