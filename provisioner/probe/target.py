"""What to test: a base URI, a ping path, credentials (still ``SecretStr``), transport settings, a classifier.

Built from a decrypted ``Connection`` (plus the Agent it names, for on-premise
connections) by ``target_from_connection``: the connection's application says where to go
and how to sign (``Application.endpoint``) and how to read the answer (``Application.classify``);
the agent routing is the same for every application. Secret values stay wrapped until the
moment of signing; ``repr`` of a target shows none of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import SecretStr

from provisioner.declarations.base import Agent, SignatureMethod
from provisioner.errors import ConfigError
from provisioner.probe.classify_response import Classification, HttpAnswer

if TYPE_CHECKING:
    from provisioner.declarations.models import Connection


@dataclass(frozen=True)
class OAuth1Credentials:
    consumer_key: str
    signature_method: SignatureMethod
    access_token: SecretStr | None = None
    consumer_secret: SecretStr | None = None
    token_secret: SecretStr | None = None
    private_key: SecretStr | None = None  # PEM, for the RSA-SHA* methods
    realm: str | None = None


@dataclass(frozen=True)
class BearerCredentials:
    token: SecretStr


Credentials = OAuth1Credentials | BearerCredentials
# An application's reading of an HTTP answer; the second argument is the signature method, or ``bearer``.
Classifier = Callable[[HttpAnswer, str], Classification]


@dataclass(frozen=True)
class Endpoint:
    """Where an application's connection is tested and how the request is signed (``Application.endpoint``)."""

    base_uri: str
    credentials: Credentials
    ping_path: str
    timeout_seconds: float = 30.0
    verify_tls: bool = True
    ca_bundle: str | None = None


@dataclass(frozen=True, kw_only=True)
class ProbeTarget(Endpoint):
    """An application's ``Endpoint``, named, with its classifier and (on-premise) its agent's proxy."""

    name: str
    classify: Classifier
    proxy_url: str | None = None

    @property
    def url(self) -> str:
        path = self.ping_path if self.ping_path.startswith("/") else "/" + self.ping_path
        return self.base_uri.rstrip("/") + path

    @property
    def display_url(self) -> str:
        """The URL without any user:password part or control character, safe to show."""
        return strip_userinfo(self.url)

    def url_problem(self) -> str | None:
        """Why ``url`` cannot be requested (a message), or ``None`` when it can."""
        return url_problem(self.url)

    @property
    def method(self) -> str:
        creds = self.credentials
        return creds.signature_method.value if isinstance(creds, OAuth1Credentials) else "bearer"

    def secret_values(self) -> tuple[str, ...]:
        """Every secret this target holds, for redacting text that came back from a server."""
        creds = self.credentials
        wrapped: tuple[SecretStr | None, ...]
        if isinstance(creds, OAuth1Credentials):
            wrapped = (creds.access_token, creds.consumer_secret, creds.token_secret, creds.private_key)
        else:
            wrapped = (creds.token,)
        return tuple(v.get_secret_value() for v in wrapped if v is not None and v.get_secret_value())


_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")
_UNPRINTABLE = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def strip_userinfo(url: str) -> str:
    """``url`` without ``user:password@`` and without control characters; never raises."""
    return _UNPRINTABLE.sub("", _USERINFO.sub(r"\1", url))


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a usable absolute http(s) URL (port out of range, control characters...)."""
    if _UNPRINTABLE.search(url):
        return "the URL holds a space or a control character"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "the URL's host or port cannot be parsed (a port must be 1-65535)"
    if parts.scheme.lower() not in ("http", "https"):
        return "the URL is not http(s)"
    if not parts.hostname:
        return "the URL has no host"
    if port == 0:
        return "the URL's port must be 1-65535"
    return None


def target_from_connection(connection: Connection, agents: Mapping[str, Agent] | None = None) -> ProbeTarget:
    """The probe target of a decrypted connection; on-premise ones go through their agent's proxyUrl."""
    spec = connection.spec
    proxy_url: str | None = None
    if spec.mode == "on-premise":
        agent = (agents or {}).get(spec.agent or "")
        if agent is None:
            raise ConfigError(
                f"connection {connection.metadata.name}: agent {spec.agent!r} is not declared",
                hint="declare the Agent (kind: Agent) or fix spec.agent",
            )
        proxy_url = agent.spec.proxyUrl
    # Imported here: the registry imports the applications, which import this module's types.
    from provisioner.applications.registry import application_for  # noqa: PLC0415

    application = application_for(spec.application)
    endpoint = application.endpoint(spec)
    where = {f.name: getattr(endpoint, f.name) for f in fields(Endpoint)}
    return ProbeTarget(name=connection.metadata.name, classify=application.classify, proxy_url=proxy_url, **where)
