"""From a transport failure (no HTTP answer) to an unreachable reason, a message and a hint.

Messages are written here from facts (host, port, the TLS verifier's reason), never copied
from an exception's text, which can carry a whole URL.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import RemoteDisconnected
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import NameResolutionError, NewConnectionError, ProtocolError

from provisioner.probe.result import UnreachableReason

_HINTS: dict[UnreachableReason, str] = {
    UnreachableReason.DNS: "check the host name in auth.baseUri, and DNS from where the test runs",
    UnreachableReason.REFUSED: (
        "nothing accepts connections on that host and port: check the port and that the server is up"
    ),
    UnreachableReason.TLS: (
        "the server's certificate is not trusted: set advanced.caBundle to the CA that signed it "
        "(or fix the server's certificate); verifyTls: false only for throwaway environments"
    ),
    UnreachableReason.TIMEOUT: (
        "no answer within advanced.timeoutSeconds: check firewalls and the agent, or raise the timeout"
    ),
    UnreachableReason.PROXY: "the on-premise agent's proxyUrl could not be used: check the agent is running",
    UnreachableReason.DROPPED: (
        "the server closed the connection without answering: check its logs and any load balancer"
    ),
    UnreachableReason.INVALID_URL: "auth.baseUri must be an absolute http(s) URL",
    UnreachableReason.OTHER: "the request failed before an answer arrived",
}


@dataclass(frozen=True)
class Failure:
    reason: UnreachableReason
    message: str
    hint: str


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        nested = [a for a in current.args if isinstance(a, BaseException)]
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            nested.append(reason)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                nested.append(linked)
        todo.extend(nested)


def _host_port(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a port out of range, a bad IPv6 literal: never a traceback
        return "?:?"
    return f"{host}:{port}"


def _tls_detail(exc: BaseException) -> str:
    for link in _chain(exc):
        if isinstance(link, ssl.SSLCertVerificationError) and link.verify_message:
            return f"certificate verify failed: {link.verify_message}"
        if isinstance(link, ssl.SSLError) and link.reason:
            return str(link.reason).lower().replace("_", " ")
    return "TLS handshake failed"


def _reason(exc: BaseException) -> UnreachableReason:
    if isinstance(exc, requests.exceptions.SSLError):
        return UnreachableReason.TLS
    if isinstance(exc, requests.exceptions.ProxyError):
        return UnreachableReason.PROXY
    if isinstance(exc, requests.exceptions.Timeout):
        return UnreachableReason.TIMEOUT
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema
                  | requests.exceptions.InvalidSchema):
        return UnreachableReason.INVALID_URL
    chain = list(_chain(exc))
    if any(isinstance(link, NameResolutionError) for link in chain):
        return UnreachableReason.DNS
    if any(isinstance(link, ConnectionRefusedError) for link in chain):
        return UnreachableReason.REFUSED
    if any(isinstance(link, TimeoutError) for link in chain):
        return UnreachableReason.TIMEOUT
    if any(isinstance(link, ssl.SSLError) for link in chain):
        return UnreachableReason.TLS
    if any(isinstance(link, RemoteDisconnected | ConnectionResetError | ConnectionAbortedError | ProtocolError)
           for link in chain):
        return UnreachableReason.DROPPED
    if any(isinstance(link, NewConnectionError) for link in chain):
        return UnreachableReason.REFUSED
    return UnreachableReason.OTHER


def invalid_url(problem: str) -> Failure:
    return Failure(UnreachableReason.INVALID_URL, f"not a usable http(s) URL: {problem}",
                   _HINTS[UnreachableReason.INVALID_URL])


def timed_out(url: str, timeout_seconds: float, what: str = "no complete answer") -> Failure:
    """The whole exchange (connect, TLS, headers, body) did not finish within the timeout."""
    return Failure(UnreachableReason.TIMEOUT, f"{what} from {_host_port(url)} within {timeout_seconds:g} s",
                   _HINTS[UnreachableReason.TIMEOUT])


def classify_failure(exc: BaseException, url: str, timeout_seconds: float) -> Failure:
    reason = _reason(exc)
    where = _host_port(url)
    host = where.rsplit(":", 1)[0]
    messages = {
        UnreachableReason.DNS: f"could not resolve host {host}",
        UnreachableReason.REFUSED: f"connection refused by {where}",
        UnreachableReason.TLS: f"TLS with {where} failed: {_tls_detail(exc)}",
        UnreachableReason.TIMEOUT: f"no answer from {where} within {timeout_seconds:g} s",
        UnreachableReason.PROXY: f"the proxy for {where} failed",
        UnreachableReason.DROPPED: f"{where} closed the connection without an answer",
        UnreachableReason.INVALID_URL: "not a usable http(s) URL",
        UnreachableReason.OTHER: f"request to {where} failed ({type(exc).__name__})",
    }
    return Failure(reason, messages[reason], _HINTS[reason])
