"""Real sops, fresh age keys: helpers and fixtures for every stage that needs encrypted files.

Fixtures (registered in tests/conftest.py):
- ``age_key``: a fresh age identity (pyrage) written to a 0600 key file.
- ``sops_env``: an environment for child processes / ``Sops(environ=...)`` with
  SOPS_AGE_KEY_FILE set and HOME pointed at an empty directory, so no key of the machine's
  user is ever picked up.
- ``sops``: a ``Sops`` running with ``sops_env``.
- ``encrypt_file``: ``encrypt_file(path, plaintext_yaml, mac_only=True) -> Path`` writes a
  SOPS-encrypted file for ``age_key`` (plaintext goes through sops' stdin).

Plain helpers: ``make_age_key(directory)``, ``write_encrypted(...)``, ``load_declarations(path)``
(a minimal loader for encrypted files until the real one is used) and ``connection_yaml(...)``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from pyrage import x25519
from ruamel.yaml import YAML

from provisioner.declarations.declaration import Declaration
from provisioner.declarations.models import Agent, Connection, Resource
from provisioner.diagnostics import SourceRange
from provisioner.secrets.sops import Sops
from provisioner.secrets.sops_config import sops_config_text


@dataclass(frozen=True)
class AgeKey:
    path: Path
    recipient: str
    identity: str = field(repr=False)


def make_age_key(directory: Path, name: str = "test.agekey") -> AgeKey:
    identity = x25519.Identity.generate()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(f"# public key: {identity.to_public()}\n{identity}\n", encoding="utf-8")
    path.chmod(0o600)
    return AgeKey(path, str(identity.to_public()), str(identity))


def isolated_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """os.environ without any SOPS_* variable, HOME at ``home``, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOPS_") and k != "XDG_CONFIG_HOME"}
    home.mkdir(parents=True, exist_ok=True)
    env["HOME"] = str(home)
    env.update(extra or {})
    return env


def write_encrypted(
    path: Path, plaintext: str, recipient: str, *, mac_only: bool = True, sops: Sops | None = None
) -> Path:
    """Encrypt ``plaintext`` YAML for ``recipient`` into ``path`` with the secret-field rule."""
    config = path.parent / f".sops-test-{'maconly' if mac_only else 'full'}.yaml"
    config.write_text(sops_config_text([recipient], path_regex="", mac_only_encrypted=mac_only), encoding="utf-8")
    runner = sops or Sops(environ=isolated_env(path.parent / ".home"))
    path.write_text(runner.encrypt(plaintext, filename=path, config=config), encoding="utf-8")
    config.unlink()
    return path


def connection_yaml(
    name: str,
    *,
    consumer_secret: str = "c" * 32,
    access_token: str = "a" * 32,
    token_secret: str = "t" * 32,
    consumer_key: str = "k" * 32,
    method: str = "HMAC-SHA256",
) -> str:
    return (
        "apiVersion: provisioner/v1\n"
        "kind: Connection\n"
        f"metadata:\n  name: {name}\n"
        "spec:\n  application: magento2\n  auth:\n    type: oauth1\n"
        f"    baseUri: https://shop.example.com/rest\n    signatureMethod: {method}\n"
        f"    consumerKey: {consumer_key}\n    consumerSecret: '{consumer_secret}'\n"
        f"    accessToken: '{access_token}'\n    tokenSecret: '{token_secret}'\n"
    )


_RESOURCE = TypeAdapter[Resource](Connection | Agent)


def load_declarations(path: Path) -> list[Declaration]:
    """A minimal loader (no positions) for tests of the secrets stage: one Declaration per document."""
    out: list[Declaration] = []
    for index, doc in enumerate(YAML(typ="safe").load_all(path.read_text(encoding="utf-8"))):
        body: dict[str, Any] = {k: v for k, v in doc.items() if k != "sops"}
        resource = _RESOURCE.validate_python(body)
        ciphertexts = _ciphertexts(body)
        out.append(Declaration(resource, path, index, SourceRange(str(path)), ciphertexts))
    return out


def _ciphertexts(node: Any, prefix: str = "") -> dict[str, str]:
    found: dict[str, str] = {}
    if isinstance(node, dict):
        for key, value in node.items():
            dotted = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, str) and value.startswith("ENC["):
                found[dotted] = value
            else:
                found.update(_ciphertexts(value, dotted))
    return found
