"""The files ``provisioner init`` writes: their text, and nothing else."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable

from provisioner.applications.registry import application_for

GITIGNORE_ENTRIES = (".provisioner/", "*.agekey")
EXAMPLE_CONNECTION = "connections/example.yaml"
EXAMPLE_APPLICATION = "magento2"

_ALPHABET = string.ascii_lowercase + string.digits


def random_token(length: int = 32) -> str:
    """A placeholder credential shaped like a Magento integration token (32 characters)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def provisioner_yaml(age_key_file: str | None, state_key_file: str | None = None) -> str:
    text = (
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
    return example(token)


def next_steps(key_file: str | None, key_in_config: bool) -> list[str]:
    steps: list[str] = []
    if key_file:
        steps.append(f"back up the age key {key_file}: whoever holds it can read every secret; never commit it")
        steps.append(f"to run sops yourself: export SOPS_AGE_KEY_FILE={key_file}")
    else:
        steps.append("export SOPS_AGE_KEY_FILE=<your age key file> (or SOPS_AGE_KEY) for the recipient given")
    if key_in_config:
        steps.append("provisioner reads the key from provisioner.yaml (secrets.ageKeyFile) when no variable is set")
    steps.append("provisioner validate --decrypt")
    steps.append(f"sops edit {EXAMPLE_CONNECTION}   # set real credentials")
    return steps
