"""Request signing: requests-oauthlib's ``OAuth1`` in the Authorization header, or a bearer token.

Secret values are unwrapped here and nowhere else, when the auth object is built right
before the request. oauthlib and requests-oauthlib log signature base strings (which hold
the access token) and the signed headers (a PLAINTEXT signature *is* the secrets) at DEBUG
level, so their loggers are capped at WARNING whatever the application configures.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from urllib.parse import unquote

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oauthlib.oauth1 import SIGNATURE_TYPE_AUTH_HEADER
from pydantic import SecretStr
from requests_oauthlib import OAuth1

from provisioner.probe.target import BearerCredentials, Credentials, OAuth1Credentials

_CHATTY_LOGGERS = (
    "oauthlib",
    "oauthlib.oauth1",
    "oauthlib.oauth1.rfc5849",
    "oauthlib.oauth1.rfc5849.signature",
    "oauthlib.oauth1.rfc5849.utils",
    "requests_oauthlib",
    "requests_oauthlib.oauth1_auth",
)


class _BelowWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


def quiet_signing_loggers() -> None:
    """Keep oauthlib's DEBUG records (tokens, PLAINTEXT signatures) out of every log."""
    for name in _CHATTY_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        if not any(isinstance(f, _BelowWarning) for f in logger.filters):
            logger.addFilter(_BelowWarning())


quiet_signing_loggers()


class BearerAuth(requests.auth.AuthBase):
    """``Authorization: Bearer TOKEN``; the token stays wrapped until the request is prepared."""

    def __init__(self, credentials: BearerCredentials) -> None:
        self._credentials = credentials

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = "Bearer " + self._credentials.token.get_secret_value()
        return r

    def __repr__(self) -> str:
        return "BearerAuth(token=**********)"


def _reveal(value: object) -> str | None:
    get = getattr(value, "get_secret_value", None)
    return get() if callable(get) else None


@lru_cache(maxsize=256)
def _rsa_key(pem: str) -> rsa.RSAPrivateKey:
    """Parse (and validate: ~30 ms) each private key once per process; signing with it then costs <1 ms.

    oauthlib would otherwise hand the PEM to PyJWT, which parses and validates it on every request.
    """
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


def oauth1_auth(
    credentials: OAuth1Credentials, *, nonce: str | None = None, timestamp: str | None = None
) -> OAuth1:
    """An ``OAuth1`` signer for these credentials; nonce and timestamp are fixed only by tests."""
    method = credentials.signature_method
    kwargs: dict[str, object] = {}
    if credentials.realm:
        kwargs["realm"] = credentials.realm
    if nonce is not None:
        kwargs["nonce"] = nonce
    if timestamp is not None:
        kwargs["timestamp"] = timestamp
    return OAuth1(
        credentials.consumer_key,
        client_secret=None if method.is_rsa else _reveal(credentials.consumer_secret),
        resource_owner_key=_reveal(credentials.access_token),
        resource_owner_secret=None if method.is_rsa else _reveal(credentials.token_secret),
        signature_method=method.value,
        signature_type=SIGNATURE_TYPE_AUTH_HEADER,
        rsa_key=_rsa_key(_reveal(credentials.private_key) or "") if method.is_rsa else None,
        **kwargs,
    )


@lru_cache(maxsize=1)
def _throwaway_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return pem.decode("ascii")


def throwaway(credentials: OAuth1Credentials) -> OAuth1Credentials:
    """The same consumer key, token and method, signing with random secrets that exist nowhere else.

    The signature cannot verify, and nothing about the real secrets can be derived from it (it is not
    the real signature altered: it is keyed with values drawn here and thrown away)."""
    if credentials.signature_method.is_rsa:
        return replace(credentials, private_key=SecretStr(_throwaway_pem()))
    return replace(credentials, consumer_secret=SecretStr(secrets.token_urlsafe(24)),
                   token_secret=SecretStr(secrets.token_urlsafe(24)))


def auth_for(credentials: Credentials) -> requests.auth.AuthBase:
    if isinstance(credentials, BearerCredentials):
        return BearerAuth(credentials)
    auth: requests.auth.AuthBase = oauth1_auth(credentials)
    return auth


_OAUTH_VALUE = re.compile(r'(oauth_signature|oauth_token)="([^"]*)"')
_TIMESTAMP = re.compile(r'oauth_timestamp="(\d{1,12})"')
_UNSENDABLE = re.compile(r"[^\x20-\x7e]")  # a line break, a control or a non-ASCII character
_PLAINTEXT = re.compile(r'oauth_signature_method="PLAINTEXT"')


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value  # requests-oauthlib sets bytes


def sent_secrets(headers: Mapping[str, str | bytes]) -> tuple[str, ...]:
    """What the signed request carries that must not come back in output: the Authorization header
    as sent, and its signature and token (as sent and percent-decoded: a PLAINTEXT signature is
    the consumer secret and token secret)."""
    value = _text(headers.get("Authorization") or "")
    found = [value]
    for _name, raw in _OAUTH_VALUE.findall(value):
        found += [raw, unquote(raw), unquote(unquote(raw))]
    return tuple(dict.fromkeys(v for v in found if v))


def sent_in_clear(headers: Mapping[str, str | bytes]) -> bool:
    """Whether the signature sent *is* the secrets (PLAINTEXT: consumer secret & token secret, percent-encoded),
    so that a part of it gives a part of them away — unlike an HMAC or RSA signature."""
    return _PLAINTEXT.search(_text(headers.get("Authorization") or "")) is not None


def sent_timestamp(headers: Mapping[str, str | bytes]) -> int | None:
    """The ``oauth_timestamp`` the signed request carries (``None`` for bearer tokens)."""
    found = _TIMESTAMP.search(_text(headers.get("Authorization") or ""))
    return int(found.group(1)) if found else None


def unsendable(headers: Mapping[str, str | bytes]) -> str | None:
    """The name of a header whose value cannot go on the wire as is (a line break, a control or
    non-ASCII character: a header injection, or a token pasted with its newline)."""
    for name, value in headers.items():
        if _UNSENDABLE.search(_text(value)):
            return name
    return None
