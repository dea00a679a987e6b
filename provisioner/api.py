"""The public Python API: ``open_connection(name)`` -> a signed ``requests.Session`` for an applied connection.

```python
import provisioner

with provisioner.open_connection("magento-prod") as session:
    stores = session.get("/V1/store/storeConfigs").json()
```

The session is bound to the connection's base URI: relative paths resolve against it, and a URL
outside it is refused (``ForeignUrlError``) so the credentials never go to another host. Each request
is signed with the connection's method (OAuth 1.0, any of the seven signature methods, or a bearer
token), goes through the agent's proxy for on-premise connections, and uses the declaration's TLS
settings and ``timeoutSeconds`` (a default: pass ``timeout=`` to override). Credentials are unsealed
from the state, in memory only; no attribute, ``repr`` or exception of the session holds them as
text, and a sent request's ``Authorization`` header is blanked once the answer is in (docs/api.md).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from provisioner.commands.probe_sources import resource_from_record
from provisioner.commands.state_open import open_project_store
from provisioner.config import ProjectConfig, load_config
from provisioner.declarations.models import Agent, Connection
from provisioner.errors import ConfigError
from provisioner.probe.session_pool import USER_AGENT
from provisioner.probe.signing import auth_for
from provisioner.probe.target import Credentials, ProbeTarget, strip_userinfo, target_from_connection

HIDDEN = "[hidden]"


class ForeignUrlError(requests.exceptions.InvalidURL):
    """A URL outside the connection's base URI: refused before anything is sent or signed."""


class SigningError(requests.exceptions.RequestException):
    """The request could not be signed with the connection's credentials (no secret in the message)."""


class _ConnectionAuth(requests.auth.AuthBase):
    """Signs each request; the credentials live in a closure, not in an attribute."""

    def __init__(self, credentials: Credentials) -> None:
        def sign(request: requests.PreparedRequest) -> requests.PreparedRequest:
            signed: requests.PreparedRequest = auth_for(credentials)(request)
            return signed

        self._sign: Callable[[requests.PreparedRequest], requests.PreparedRequest] = sign

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        failed = False
        try:
            return self._sign(r)
        except Exception:  # oauthlib / PyJWT texts can quote key material: not chained, not shown
            failed = True
        if failed:  # raised outside the except block, so the original is not even the __context__
            raise SigningError("the request could not be signed with this connection's credentials")
        return r  # unreachable

    def __repr__(self) -> str:
        return "ConnectionAuth(credentials=[hidden])"


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of ``url``; ``None`` for a URL whose port is not a port."""
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


class ConnectionSession(requests.Session):
    """A ``requests.Session`` bound to one applied connection (see the module's docstring)."""

    def __init__(self, target: ProbeTarget) -> None:
        super().__init__()
        self.connection_name = target.name
        self.base_uri = target.base_uri.rstrip("/")
        self.signature_method = target.method
        self.default_timeout = target.timeout_seconds
        self.auth = _ConnectionAuth(target.credentials)
        self.verify = target.ca_bundle if (target.verify_tls and target.ca_bundle) else target.verify_tls
        self.trust_env = False  # no proxy or netrc from the environment: requests go where the declaration says
        if target.proxy_url:
            self.proxies = {"http": target.proxy_url, "https": target.proxy_url}
        self.headers["User-Agent"] = USER_AGENT.replace("connection test", "api")
        self.headers["Accept"] = "application/json"

    def url_for(self, url: str) -> str:
        """The absolute URL of ``url``: a path resolved under the base URI; refused outside it."""
        if "://" not in url and not url.startswith("//"):
            return self.base_uri + "/" + url.lstrip("/")
        base = urlsplit(self.base_uri)
        origin = _origin(url)
        if origin is None or origin != _origin(self.base_uri) or not (
                urlsplit(url).path.rstrip("/") + "/").startswith(base.path.rstrip("/") + "/"):
            raise ForeignUrlError(
                f"{strip_userinfo(url)} is outside connection {self.connection_name}'s base URI "
                f"{strip_userinfo(self.base_uri)}: refused, so its credentials go nowhere else")
        return url

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        text = url.decode("utf-8") if isinstance(url, bytes) else url
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(method, self.url_for(text), *args, **kwargs)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.url_for(request.url or "")  # a prepared request built elsewhere gets the same check
        try:
            response = super().send(request, **kwargs)
        except requests.exceptions.RequestException as exc:
            _blank(getattr(exc, "request", None))
            raise
        finally:
            _blank(request)
        for hop in (*response.history, response):
            _blank(hop.request)
        return response

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        """On a redirect: re-sign for the new URL when it is under the base URI, else send no credentials."""
        prepared_request.headers.pop("Authorization", None)
        try:
            self.url_for(prepared_request.url or "")
        except ForeignUrlError:
            return
        if self.auth is not None:
            prepared_request.prepare_auth(self.auth)

    def __repr__(self) -> str:
        return (f"ConnectionSession(connection={self.connection_name!r}, base_uri={strip_userinfo(self.base_uri)!r}, "
                f"method={self.signature_method!r})")


def _blank(request: requests.PreparedRequest | None) -> None:
    """Once sent, a request keeps no credentials: ``response.request`` is reachable by the caller."""
    if request is not None and getattr(request, "headers", None) and "Authorization" in request.headers:
        request.headers["Authorization"] = HIDDEN


def _record_name(name: str) -> str:
    return name.split(".", 1)[1] if name.startswith("connection.") else name


def open_target(config: ProjectConfig, name: str, workspace: str | None = None) -> ProbeTarget:
    """The applied connection ``name`` from the state, secrets unsealed (in memory), as a probe target."""
    wanted = _record_name(name)
    with open_project_store(config, workspace) as store:
        records = store.snapshot().records
        record = records.get(f"connection.{wanted}")
        if record is None:
            known = sorted(r.name for r in records.values() if r.kind == "Connection")
            raise ConfigError(f"no applied connection named {wanted!r} in workspace {store.workspace}",
                              code="unknown-connection",
                              hint=f"applied connections: {', '.join(known) or 'none'} (apply it first)")
        connection = resource_from_record(record, store.unseal(record.address))
        agents: dict[str, Agent] = {}
        if isinstance(connection, Connection) and connection.spec.mode == "on-premise":
            agent_record = records.get(f"agent.{connection.spec.agent}")
            if agent_record is not None:
                agent = resource_from_record(agent_record, store.unseal(agent_record.address))
                if isinstance(agent, Agent):
                    agents[agent.metadata.name] = agent
    if not isinstance(connection, Connection):
        raise ConfigError(f"{record.address} is not a connection", code="unknown-connection")
    return target_from_connection(connection, agents)


def session_for(target: ProbeTarget) -> ConnectionSession:
    return ConnectionSession(target)


def open_connection(name: str, *, workspace: str | None = None,
                    project: str | Path | None = None) -> ConnectionSession:
    """A signed session for the applied connection ``name`` (its record in the state, not the files).

    ``project``: the project directory (default: found from the working directory upwards);
    ``workspace``: default PROVISIONER_WORKSPACE, else provisioner.yaml's. Raises
    ``provisioner.errors.ProvisionerError`` (no project, no such connection, a tampered record, no key).
    """
    config = load_config(Path(project) if project is not None else None, require_project=True)
    return session_for(open_target(config, name, workspace))


__all__: list[str] = ["ConnectionSession", "ForeignUrlError", "SigningError", "open_connection"]
