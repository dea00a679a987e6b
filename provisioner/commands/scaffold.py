"""The files ``provisioner init`` writes: their text, and nothing else."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable

from provisioner.applications.registry import application_for

# Local state, keys, and plan files (`plan --out plan.json --markdown plan.md`): no secret, but made per run.
GITIGNORE_ENTRIES = (".provisioner/", "*.agekey", "plan.json", "plan.md", "*.plan.json", "*.plan.md")
EXAMPLE_CONNECTION = "connections/example.yaml"
EXAMPLE_APPLICATION = "magento2"
SCHEMA_DIR = "schemas"


def modeline(schema_file: str, relative_to: str) -> str:
    """The yaml-language-server modeline of a file at ``relative_to`` (a path in the repository)."""
    up = "../" * relative_to.count("/")
    return f"# yaml-language-server: $schema={up}{SCHEMA_DIR}/{schema_file}\n"

_ALPHABET = string.ascii_lowercase + string.digits


def random_token(length: int = 32) -> str:
    """A placeholder credential shaped like a Magento integration token (32 characters)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def provisioner_yaml(age_key_file: str | None, state_key_file: str | None = None) -> str:
    text = modeline("provisioner.schema.json", "provisioner.yaml") + (
        "# provisioner settings (docs/configuration.md)\n"
        "workspace: default\n"
        "state:\n"
        "  url: sqlite:///.provisioner/state.db\n"
    )
    if state_key_file:
        text += (
            "  # seals the secrets in the state; PROVISIONER_STATE_KEY (base64) wins when set.\n"
            "  # Never keep it beside the state or in the repository.\n"
            f"  keyFile: {state_key_file}\n"
        )
    text += "paths: [connections]\n"
    if age_key_file:
        text += (
            "secrets:\n"
            "  # where sops finds the age identity when SOPS_AGE_KEY_FILE / SOPS_AGE_KEY are not set;\n"
            "  # the key itself is never committed\n"
            f"  ageKeyFile: {age_key_file}\n"
        )
    return text


def example_connection(token: Callable[[], str] = random_token) -> str:
    """The example declaration of the default application (plaintext: goes to sops' stdin only)."""
    example = application_for(EXAMPLE_APPLICATION).example
    if example is None:
        raise ValueError(f"application {EXAMPLE_APPLICATION} has no example")
    return modeline("connection.schema.json", EXAMPLE_CONNECTION) + example(token)


def next_steps(key_file: str | None, key_in_config: bool) -> list[str]:
    """What to do after init. ``key_file``: a key given with --key-file (None: sops' default key file or none)."""
    steps: list[str] = []
    if key_in_config and key_file:
        steps.append(f"back up the age key {key_file}: whoever holds it can read every secret; never commit it")
        steps.append("provisioner reads the key from provisioner.yaml (secrets.ageKeyFile); "
                     f"for plain sops: export SOPS_AGE_KEY_FILE={key_file}")
    else:
        steps.append("back up your age keys (sops' key file, e.g. ~/.config/sops/age/keys.txt): "
                     "whoever holds them can read every secret; never commit them")
    steps.append("provisioner validate --decrypt")
    steps.append(f"provisioner secrets edit {EXAMPLE_CONNECTION}   # real credentials (plain `sops edit` works too)")
    return steps
