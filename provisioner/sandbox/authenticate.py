"""Who is calling: OAuth 1.0 checks in Magento's order, or a bearer token, or nobody (a guest).

Magento's order (``Oauth::validateAccessTokenRequest``): protocol parameters (version,
required ones, token length, signature method, consumer key, nonce and timestamp), then
the token, then the signature. Each failure is Magento's own message and status.
"""

from __future__ import annotations

import hmac
import threading
import time
from dataclasses import dataclass

from provisioner.applications.magento2 import errors as me
from provisioner.sandbox.integrations import TOKEN_LENGTH, Integration
from provisioner.sandbox.magento import MagentoVersion, error_body
from provisioner.sandbox.oauth_verify import (
    load_public_key,
    parse_authorization,
    signature_base_string,
    verify_signature,
)

MAX_SKEW_SECONDS = 600
_REQUIRED = ("oauth_consumer_key", "oauth_signature", "oauth_signature_method", "oauth_nonce", "oauth_timestamp",
             "oauth_token")


class NonceCache:
    """Nonces seen per consumer, forgotten once their timestamp is outside the accepted window."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def first_use(self, consumer_key: str, nonce: str, now: float) -> bool:
        with self._lock:
            if len(self._seen) > 100_000:
                horizon = now - 2 * MAX_SKEW_SECONDS
                self._seen = {k: t for k, t in self._seen.items() if t >= horizon}
            key = (consumer_key, nonce)
            if key in self._seen:
                return False
            self._seen[key] = now
            return True


@dataclass(frozen=True)
class Caller:
    integration: Integration | None = None  # None: a guest
    error: tuple[int, bytes] | None = None  # Magento's refusal, when authentication failed
    consumer_key: str | None = None  # for the log: an identifier, never a secret


@dataclass
class Authenticator:
    integrations: tuple[Integration, ...]
    version: MagentoVersion
    nonces: NonceCache

    def __post_init__(self) -> None:
        self._by_key = {i.consumer_key: i for i in self.integrations}

    def identify(self, method: str, url: str, authorization: str | None) -> Caller:
        if not authorization:
            return Caller()
        scheme = authorization.strip().split(" ", 1)[0].lower()
        if scheme == "bearer":
            return self._bearer(authorization.strip()[len("bearer"):].strip())
        params = parse_authorization(authorization)
        if params is None:
            return Caller()
        return self._oauth(method, url, params)

    def _bearer(self, token: str) -> Caller:
        for integration in self.integrations:
            if hmac.compare_digest(token.encode(), integration.access_token.get_secret_value().encode()):
                if integration.allow_bearer or self.version.bearer_always():
                    return Caller(integration, consumer_key=integration.consumer_key)
                return Caller(consumer_key=integration.consumer_key)  # refused: treated as a guest
        return Caller()

    def _fail(self, status: int, template: str, params: list[str] | None = None, key: str | None = None) -> Caller:
        return Caller(error=(status, error_body(template, params)), consumer_key=key)

    def _oauth(self, method: str, url: str, p: dict[str, str]) -> Caller:
        key = p.get("oauth_consumer_key")
        if "oauth_version" in p and p["oauth_version"] != "1.0":
            return self._fail(400, 'The "%1" Oauth version isn\'t supported.', [p["oauth_version"]], key)
        missing = [name for name in _REQUIRED if not p.get(name)]
        if missing:
            body = error_body('"%fieldName" is required. Enter and try again.', {"fieldName": missing[0]})
            return Caller(error=(400, body), consumer_key=key)
        if len(p["oauth_token"]) != TOKEN_LENGTH:
            return self._fail(400, me.TOKEN_LENGTH, key=key)
        signature_method = p["oauth_signature_method"]
        if not self.version.accepts(signature_method):
            return self._fail(400, me.UNSUPPORTED_METHOD, [signature_method], key)
        if len(p["oauth_consumer_key"]) != TOKEN_LENGTH:
            return self._fail(401, me.CONSUMER_KEY_LENGTH, key=key)
        integration = self._by_key.get(p["oauth_consumer_key"])
        if integration is None:
            return self._fail(401, me.CONSUMER_NOT_FOUND, key=key)
        now = time.time()
        try:
            timestamp = int(p["oauth_timestamp"])
        except ValueError:
            timestamp = 0
        if timestamp <= 0 or abs(now - timestamp) > MAX_SKEW_SECONDS:
            return self._fail(400, me.BAD_TIMESTAMP, key=key)
        if not self.nonces.first_use(integration.consumer_key, p["oauth_nonce"], now):
            return self._fail(401, me.NONCE_USED, [integration.name], key)
        if not hmac.compare_digest(p["oauth_token"].encode(), integration.access_token.get_secret_value().encode()):
            return self._fail(401, me.TOKEN_NOT_FOUND, key=key)
        if not self._signature_ok(method, url, p, integration):
            return self._fail(401, me.INVALID_SIGNATURE, key=key)
        return Caller(integration, consumer_key=key)

    @staticmethod
    def _signature_ok(method: str, url: str, p: dict[str, str], integration: Integration) -> bool:
        signature_method = p["oauth_signature_method"]
        public_key = None
        if signature_method.startswith("RSA-"):
            if not integration.public_key:
                return False
            public_key = load_public_key(integration.public_key)
        try:
            base = signature_base_string(method, url, p)
        except ValueError:  # not a URL (a port out of range, a broken IPv6 literal): nothing can verify
            return False
        return verify_signature(
            signature_method, base, p["oauth_signature"],
            consumer_secret=integration.consumer_secret.get_secret_value(),
            token_secret=integration.token_secret.get_secret_value(),
            public_key=public_key,
        )
