"""``target: {type: integratorio, region:, url:, sandbox:}`` in provisioner.yaml, parsed here (not in config.py).

Regions and base URLs from the contract (developer.celigo.com getting-started; celigo/ai api-reference.md):
US ``https://api.integrator.io``, EU ``https://api.eu.integrator.io``. ``url`` overrides the region's
(proxies, tests). The API token is never a setting: it comes from ``INTEGRATORIO_API_TOKEN`` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from provisioner.errors import ConfigError

NAME = "integratorio"
TOKEN_ENV = "INTEGRATORIO_API_TOKEN"  # noqa: S105 - the name of the variable, not a token
REGIONS: Mapping[str, str] = {"us": "https://api.integrator.io", "eu": "https://api.eu.integrator.io"}
OPTIONS = ("region", "url", "sandbox")
HINT = "target: {type: integratorio, region: us|eu, url: https://api.integrator.io, sandbox: false}"


@dataclass(frozen=True)
class Settings:
    region: str = "us"
    url: str = REGIONS["us"]  # the API's origin, without /v1
    sandbox: bool = False  # the integrator.io sandbox flag for every connection


def _error(where: str, what: str) -> ConfigError:
    return ConfigError(f"{where}: target integratorio: {what}", hint=HINT, code="config-target")


def parse_settings(options: Mapping[str, Any], where: str) -> Settings:
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise _error(where, f"unknown option(s): {', '.join(unknown)} (known: {', '.join(OPTIONS)}; the API "
                            f"token comes from {TOKEN_ENV}, never from the file)")
    region = options.get("region", "us")
    if region not in REGIONS:
        raise _error(where, f"region must be one of {', '.join(REGIONS)}, got {region!r}")
    url = options.get("url") or REGIONS[str(region)]
    parts = urlsplit(str(url)) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise _error(where, "url must be an http(s) URL such as https://api.integrator.io")
    sandbox = options.get("sandbox", False)
    if not isinstance(sandbox, bool):
        raise _error(where, f"sandbox must be true or false, got {sandbox!r}")
    return Settings(region=str(region), url=str(url).rstrip("/").removesuffix("/v1"), sandbox=sandbox)
