"""What a connection test found: an outcome class, Magento's own message and a hint.

A ``ProbeResult`` never holds a secret: messages that come back from a server are
redacted against the target's secret values before they are stored here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    OK = "ok"
    UNAUTHORIZED = "unauthorized"  # bad signature or credentials
    NOT_PERMITTED = "not-permitted"  # authenticated, but the integration lacks the API resource (or is inactive)
    HEADER_STRIPPED = "header-stripped"  # the Authorization header never reached Magento: the caller was a guest
    MISSING_ARGUMENT = "missing-argument"  # authenticated and permitted, but the ping path lacks a required argument
    UNSUPPORTED_METHOD = "unsupported-method"  # Magento refuses the signature method
    NOT_FOUND = "not-found"  # no such route: baseUri or pingPath is wrong
    NOT_API = "not-api"  # HTML (or a redirect) where Magento's JSON API was expected
    BLOCKED = "blocked"  # an HTTP auth or firewall layer in front of Magento refused (HTML 401/403)
    UNREACHABLE = "unreachable"  # no HTTP answer: see UnreachableReason
    SERVER_ERROR = "server-error"  # Magento (or something in front of it) failed


class UnreachableReason(StrEnum):
    DNS = "dns"
    REFUSED = "refused"
    TLS = "tls"
    TIMEOUT = "timeout"
    PROXY = "proxy"
    DROPPED = "dropped"  # connected, but the server closed the connection without an answer
    INVALID_URL = "invalid-url"
    OTHER = "other"


@dataclass(frozen=True)
class ProbeResult:
    """One connection test.

    ``status_code`` is the HTTP status when there was an answer; ``message`` is Magento's
    own message (its JSON ``message`` with ``parameters`` substituted) or, without one, a
    short description of what happened; ``hint`` says what to do about it.
    """

    name: str
    url: str
    method: str  # the signature method, or "bearer"
    outcome: Outcome
    elapsed_ms: float
    status_code: int | None = None
    reason: UnreachableReason | None = None
    message: str | None = None
    hint: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    @property
    def label(self) -> str:
        """The outcome as shown to a person: ``unreachable (dns)`` names the reason."""
        if self.reason is not None:
            return f"{self.outcome.value} ({self.reason.value})"
        return self.outcome.value

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "url": self.url,
            "method": self.method,
            "outcome": self.outcome.value,
            "reason": self.reason.value if self.reason else None,
            "ok": self.ok,
            "status_code": self.status_code,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "message": self.message,
            "hint": self.hint,
        }
