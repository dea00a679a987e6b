"""``provisioner init --sandbox``: an example whose credentials a local sandbox knows, so the first apply works.

The example connection points at ``http://127.0.0.1:PORT/rest`` and the sandbox's integrations file
(``.provisioner/sandbox-integrations.yaml``: git-ignored, mode 0600 — it plays Magento's own database,
so its values are in clear, and they are sandbox credentials that protect nothing) holds the same
consumer key and secrets. ``sandbox_command`` is the one command that starts that sandbox.
PORT is one that was free when init ran (``--sandbox-port`` chooses it).
"""

from __future__ import annotations

import io
import shlex
import socket
from pathlib import Path

from ruamel.yaml import YAML

from provisioner.commands import scaffold

SANDBOX_INTEGRATIONS = ".provisioner/sandbox-integrations.yaml"
_PLACEHOLDER_URI = "baseUri: https://magento.example.com/rest"
_SECRETS = ("consumerKey", "consumerSecret", "accessToken", "tokenSecret")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sandbox_example(port: int) -> tuple[str, str]:
    """(the example declaration in clear, the sandbox integrations file) sharing fresh credentials."""
    text = scaffold.example_connection()
    if _PLACEHOLDER_URI not in text:
        raise ValueError("the example connection has no placeholder baseUri to point at the sandbox")
    text = text.replace(_PLACEHOLDER_URI, f"baseUri: http://127.0.0.1:{port}/rest")
    auth = YAML(typ="safe").load(text)["spec"]["auth"]
    entry = {"name": "example", **{field: auth[field] for field in _SECRETS}}
    buffer = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.dump({"integrations": [entry]}, buffer)
    header = (
        "# The sandbox's side of connections/example.yaml (`provisioner init --sandbox`): what a local\n"
        "# Magento stand-in knows. Sandbox credentials in clear, git-ignored; they protect nothing.\n"
    )
    return text, header + buffer.getvalue()


def sandbox_command(port: int, integrations: str = SANDBOX_INTEGRATIONS) -> str:
    return f"provisioner sandbox --integrations {shlex.quote(integrations)} --port {port}"


def integrations_path(root: Path) -> Path:
    return root / SANDBOX_INTEGRATIONS
