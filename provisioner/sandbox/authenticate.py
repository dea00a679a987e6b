"""Who is calling: OAuth 1.0 checks in Magento's order, or a bearer token, or nobody (a guest).

Magento's order (``Oauth::validateAccessTokenRequest``): protocol parameters (version,
required ones, token length, signature method, consumer key, nonce and timestamp), then
the token (``Token\\Provider::validateAccessTokenRequest``: it exists, it belongs to the
consumer, it is not revoked), then the signature; only then is the integration looked up,
and only an active one (``OauthUserContext::getUserId``). Each failure is Magento's own
message and status.

Revoked tokens and inactive integrations, as Magento 2.4 does them (magento/magento2, 2.4-develop;
the short hashes are the versions of each file that were read):

- ``app/code/Magento/Integration/Model/Oauth/Token/Provider.php`` (bb340cc4):
  ``if ($token->getRevoked()) throw new \\Magento\\Framework\\Oauth\\Exception(__('Access token has
  been revoked'))`` — checked after "Specified token does not exist" and "Token is not associated
  with the specified consumer", before the signature (``lib/internal/Magento/Framework/Oauth/Oauth.php``,
  447c9b4d). ``Oauth\\Exception`` is an ``AuthenticationException``, which the Webapi
  ``ErrorProcessor::maskException`` (1c820bef) answers with HTTP 401; ``Rest\\Response::_renderMessages``
  writes ``{"message": "Access token has been revoked"}`` (``parameters`` only when the phrase has some).
- ``app/code/Magento/Webapi/Model/Authorization/OauthUserContext.php`` (2.4.7): a request whose signature
  verified is bound to ``findActiveIntegrationByConsumerId`` (``ResourceModel/Integration.php``:
  ``status = Integration::STATUS_ACTIVE``); an inactive integration gives no user, so the request is
  a guest and ``Webapi/Controller/Rest/RequestValidator::checkPermissions`` answers 401
  ``{"message": "The consumer isn't authorized to access %resources.", "parameters": {"resources": ...}}``
  — the same answer as a missing ACL resource.
- Bearer (``Integration/Model/OpaqueToken/Reader.php``, e0740167): a revoked token is refused
  (``Token was revoked``) and the caller is a guest; the integration is found with
  ``findByConsumerId``, which does not look at its status, so an inactive integration's token
  still works as a bearer token where bearer tokens are allowed.
- ``Integration/Controller/Adminhtml/Integration/TokensExchange.php`` (05da4bc1): Reauthorize deletes the token and
  sets the integration inactive until the new token exchange; the new token is a new value.
"""

from __future__ import annotations

import hmac
import re
import threading
import time
from dataclasses import dataclass

from provisioner.applications.magento2 import errors as me
from provisioner.sandbox.integrations import TOKEN_LENGTH, Integration
from provisioner.sandbox.magento import MagentoVersion, error_body
from provisioner.sandbox.oauth_verify import (
    load_public_key,
    magento_base_string,
    parse_authorization,
    signature_base_string,
    verify_signature,
)

MAX_SKEW_SECONDS = 600  # Nonce/Generator.php::TIME_DEVIATION: how far ahead a timestamp may be
_PHP_NUMBER = re.compile(r"[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
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


def php_int(text: str) -> int:
    """PHP's ``(int)$string`` (PHP 8): leading whitespace, then the longest numeric prefix ("12abc" is 12,
    "1e3" is 1000, "1.9" is 1); 0 when there is none."""
    found = _PHP_NUMBER.match(text)
    if found is None:
        return 0
    number = found.group(0).strip()
    try:
        return int(number) if number.lstrip("+-").isdigit() else int(float(number))
    except (ValueError, OverflowError):
        return 0


@dataclass
class Authenticator:
    """``clock_offset_s``: the store's clock minus this machine's (negative: the store is behind);
    ``nonce_storage_fails``: Magento cannot read or write its oauth_nonce table."""

    integrations: tuple[Integration, ...]
    version: MagentoVersion
    nonces: NonceCache
    clock_offset_s: float = 0.0
    nonce_storage_fails: bool = False
    strict_parameters: bool = True  # the base string as Magento builds it (oauth_verify.magento_base_string)

    def __post_init__(self) -> None:
        self.replace(self.integrations)

    def replace(self, integrations: tuple[Integration, ...]) -> None:
        """Swap in another set of integrations (a running sandbox revoking a token); nonces are kept.

        One assignment: a request in flight sees the old set or the new one, never a mix.
        """
        self._known = (integrations, {i.consumer_key: i for i in integrations})
        self.integrations = integrations

    def consumer_id(self, integration: Integration) -> int:
        """Magento's numeric ``oauth_consumer.entity_id``: the declared one, else the position (from 1)."""
        if integration.consumer_id is not None:
            return integration.consumer_id
        keys = [i.consumer_key for i in self._known[0]]
        return keys.index(integration.consumer_key) + 1 if integration.consumer_key in keys else 0

    @staticmethod
    def _token_owner(token: str, integrations: tuple[Integration, ...]) -> Integration | None:
        for integration in integrations:
            if hmac.compare_digest(token.encode(), integration.access_token.get_secret_value().encode()):
                return integration
        return None

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
        integration = self._token_owner(token, self._known[0])
        if integration is None:
            return Caller()
        if integration.revoked or not (integration.allow_bearer or self.version.bearer_always()):
            return Caller(consumer_key=integration.consumer_key)  # refused: treated as a guest
        return Caller(integration, consumer_key=integration.consumer_key)  # active or not: Reader.php

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
        known, by_key = self._known
        integration = by_key.get(p["oauth_consumer_key"])
        if integration is None:
            return self._fail(401, me.CONSUMER_NOT_FOUND, key=key)
        now = time.time() + self.clock_offset_s
        # Nonce/Generator.php::validateNonce (magento/magento2 1fd56169, 2.4.8; the same since 2.1): "(int)$timestamp
        # <= 0 || > time() + TIME_DEVIATION (600)" throws an OauthInputException that the generator's own
        # catch (\Exception) turns into 401 "An error occurred validating the nonce", as it does a failing
        # nonce table; a timestamp in the past is accepted, however old.
        timestamp = php_int(p["oauth_timestamp"])
        if timestamp <= 0 or timestamp > int(now) + MAX_SKEW_SECONDS or self.nonce_storage_fails:
            return self._fail(401, me.NONCE_INVALID, key=key)
        if not self.nonces.first_use(integration.consumer_key, p["oauth_nonce"], now):
            # Integration/Model/Oauth/Nonce/Generator.php::validateNonce (2.4): __('... with ID %1',
            # [$consumer->getId()]) — the numeric id of the database row; sent as a JSON string here (whether a
            # store sends "3" or 3 depends on its PDO settings; the classifier reads either)
            return self._fail(401, me.NONCE_USED, [str(self.consumer_id(integration))], key)
        owner = self._token_owner(p["oauth_token"], known)
        if owner is None:
            return self._fail(401, me.TOKEN_NOT_FOUND, key=key)
        if owner.consumer_key != integration.consumer_key:
            return self._fail(401, me.TOKEN_NOT_OF_CONSUMER, key=key)
        if owner.revoked:
            return self._fail(401, me.TOKEN_REVOKED, key=key)
        if not self._signature_ok(method, url, p, integration):
            return self._fail(401, me.INVALID_SIGNATURE, key=key)
        if not integration.active:
            return Caller(consumer_key=key)  # no active integration for the consumer: a guest
        return Caller(integration, consumer_key=key)

    def _signature_ok(self, method: str, url: str, p: dict[str, str], integration: Integration) -> bool:
        signature_method = p["oauth_signature_method"]
        public_key = None
        if signature_method.startswith("RSA-"):
            if not integration.public_key:
                return False
            public_key = load_public_key(integration.public_key)
        try:
            build = magento_base_string if self.strict_parameters else signature_base_string
            base = build(method, url, p)
        except ValueError:  # not a URL (a port out of range, a broken IPv6 literal): nothing can verify
            return False
        return verify_signature(
            signature_method, base, p["oauth_signature"],
            consumer_secret=integration.consumer_secret.get_secret_value(),
            token_secret=integration.token_secret.get_secret_value(),
            public_key=public_key,
        )
