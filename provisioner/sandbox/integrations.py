"""The sandbox's integrations (Magento's System > Extensions > Integrations) and fault settings.

```yaml
faults: {delayMs: 0}                 # optional, for every request
integrations:
  - name: erp
    consumerKey: 32 characters       # Magento's keys and tokens are 32 characters
    consumerSecret: 32 characters
    accessToken: 32 characters
    tokenSecret: 32 characters
    publicKey: |                     # PEM, only for the RSA-SHA* methods
      -----BEGIN PUBLIC KEY-----
      ...
    allowedResources: [Magento_Backend::all]   # the default; or e.g. [Magento_Backend::store]
    allowBearer: false               # accept the access token as a standalone bearer token
    revoked: false                   # the access token was revoked (Magento's oauth_token.revoked)
    status: active                   # or inactive (Magento's integration.status)
    consumerId: 1                    # optional: Magento's numeric consumer id (default: position, from 1)
    faults: {delayMs: 0, status: null, drop: false}
```

``revoked`` and ``status`` are what Magento keeps about a token and an integration; what a request
gets for each is in ``authenticate.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from provisioner.errors import ConfigError
from provisioner.sandbox.oauth_verify import load_public_key

ALL_RESOURCES = "Magento_Backend::all"
TOKEN_LENGTH = 32
STATUSES = ("active", "inactive")  # Integration::STATUS_ACTIVE (1) and STATUS_INACTIVE (0)


@dataclass(frozen=True)
class Faults:
    """Injected trouble: a fixed delay before answering, an error status, or a dropped connection."""

    delay_ms: int = 0
    status: int | None = None
    drop: bool = False

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None, where: str) -> Faults:
        data = data or {}
        unknown = set(data) - {"delayMs", "status", "drop"}
        if unknown:
            raise ConfigError(f"{where}: unknown fault setting(s) {sorted(unknown)}", hint="delayMs, status, drop")
        status = data.get("status")
        if status is not None and not (isinstance(status, int) and 400 <= status <= 599):
            raise ConfigError(f"{where}: faults.status must be an HTTP error status (400-599)")
        return cls(delay_ms=int(data.get("delayMs") or 0), status=status, drop=bool(data.get("drop", False)))


@dataclass(frozen=True)
class Integration:
    name: str
    consumer_key: str
    access_token: SecretStr
    consumer_secret: SecretStr = field(default_factory=lambda: SecretStr(""))
    token_secret: SecretStr = field(default_factory=lambda: SecretStr(""))
    public_key: str | None = None
    allowed_resources: tuple[str, ...] = (ALL_RESOURCES,)
    allow_bearer: bool = False
    faults: Faults = field(default_factory=Faults)
    revoked: bool = False  # the access token was revoked
    active: bool = True  # the integration's status
    consumer_id: int | None = None  # Magento's oauth_consumer.entity_id; None: its position in the list, from 1

    def allows(self, resource: str) -> bool:
        return ALL_RESOURCES in self.allowed_resources or resource in self.allowed_resources


def _text(item: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise ConfigError(f"{where}: {key} is required")
        return ""
    return str(value)


def _length_checked(value: str, key: str, where: str) -> str:
    if len(value) != TOKEN_LENGTH:
        raise ConfigError(
            f"{where}: {key} must be {TOKEN_LENGTH} characters, as Magento's are (got {len(value)})",
            hint="generate one with: python -c 'import secrets; print(secrets.token_hex(16))'",
        )
    return value


def integration_from_mapping(item: Mapping[str, Any], where: str) -> Integration:
    known = {"name", "consumerKey", "consumerSecret", "accessToken", "tokenSecret", "publicKey",
             "allowedResources", "allowBearer", "faults", "revoked", "status", "consumerId"}
    unknown = set(item) - known
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {sorted(unknown)}", hint="see docs/sandbox.md")
    public_key = item.get("publicKey")
    if public_key:
        try:
            load_public_key(str(public_key))
        except ValueError:
            raise ConfigError(f"{where}: publicKey is not a PEM RSA public key or certificate") from None
    resources = item.get("allowedResources", [ALL_RESOURCES])
    if isinstance(resources, str) or not isinstance(resources, Sequence):
        raise ConfigError(f"{where}: allowedResources must be a list of ACL resource ids")
    revoked = item.get("revoked", False)
    if not isinstance(revoked, bool):
        raise ConfigError(f"{where}: revoked must be true or false")
    consumer_id = item.get("consumerId")
    if consumer_id is not None and not (isinstance(consumer_id, int) and not isinstance(consumer_id, bool)
                                        and consumer_id > 0):
        raise ConfigError(f"{where}: consumerId must be a positive whole number (Magento's oauth_consumer id)")
    status = item.get("status", "active")
    if status not in STATUSES:
        raise ConfigError(f"{where}: status must be one of {', '.join(STATUSES)}")
    return Integration(
        name=_text(item, "name", where),
        consumer_key=_length_checked(_text(item, "consumerKey", where), "consumerKey", where),
        access_token=SecretStr(_length_checked(_text(item, "accessToken", where), "accessToken", where)),
        consumer_secret=SecretStr(_text(item, "consumerSecret", where, required=False)),
        token_secret=SecretStr(_text(item, "tokenSecret", where, required=False)),
        public_key=str(public_key) if public_key else None,
        allowed_resources=tuple(str(r) for r in resources),
        allow_bearer=bool(item.get("allowBearer", False)),
        faults=Faults.from_mapping(item.get("faults"), where),
        revoked=revoked,
        active=status == "active",
        consumer_id=consumer_id,
    )


@dataclass(frozen=True)
class IntegrationsFile:
    integrations: tuple[Integration, ...]
    faults: Faults = field(default_factory=Faults)


def load_integrations(path: Path) -> IntegrationsFile:
    """Read an integrations file; errors name the entry but never echo a value."""
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the integrations file ({type(exc).__name__})") from None
    faults = Faults()
    if isinstance(data, dict):
        faults = Faults.from_mapping(data.get("faults"), str(path))
        data = data.get("integrations")
    if not isinstance(data, list):
        raise ConfigError(f"{path}: expected a list under 'integrations'", hint="see docs/sandbox.md")
    integrations = []
    for index, item in enumerate(data):
        where = f"{path}: integrations[{index}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: expected a mapping")
        integrations.append(integration_from_mapping(item, where))
    keys = [i.consumer_key for i in integrations]
    if len(set(keys)) != len(keys):
        raise ConfigError(f"{path}: two integrations share a consumerKey")
    return IntegrationsFile(tuple(integrations), faults)
