"""Server-side OAuth 1.0 (RFC 5849) signature verification, written apart from the client.

The probe signs with oauthlib (through requests-oauthlib); this module shares no code
with it — base string, percent-encoding, HMAC and RSA verification are done here with the
standard library and ``cryptography`` — so a bug in one cannot hide in the other. Both
are checked against the published vectors in tests/unit/probe/test_vectors.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from functools import cmp_to_key
from urllib.parse import unquote, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from provisioner.applications.magento2.query import (
    PROTOCOL_PARAMETER,
    magento_query_pairs,
    normalise_path_2_4_6,
    strnatcmp,
)

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_HMAC = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256, "HMAC-SHA512": hashlib.sha512}
_RSA: dict[str, type[hashes.HashAlgorithm]] = {
    "RSA-SHA1": hashes.SHA1, "RSA-SHA256": hashes.SHA256, "RSA-SHA512": hashes.SHA512,
}
_AUTH_PARAM = re.compile(r'\s*([^\s=,]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


def percent_encode(value: str) -> str:
    """RFC 5849 §3.6: UTF-8, then every byte outside the unreserved set as %XX (upper case)."""
    return "".join(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in value.encode("utf-8"))


def parse_authorization(header: str) -> dict[str, str] | None:
    """The parameters of an ``OAuth ...`` Authorization header (values percent-decoded)."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "oauth":
        return None
    params: dict[str, str] = {}
    position = 0
    rest = rest.strip()
    while position < len(rest):
        match = _AUTH_PARAM.match(rest, position)
        if match is None:
            return None
        params[unquote(match.group(1))] = unquote(match.group(2))
        position = match.end()
    return params


def form_pairs(encoded: str) -> list[tuple[str, str]]:
    """``application/x-www-form-urlencoded`` pairs ('+' is a space), keeping empty values and order."""
    pairs: list[tuple[str, str]] = []
    for part in encoded.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((unquote(name.replace("+", " ")), unquote(value.replace("+", " "))))
    return pairs


def base_string_uri(url: str) -> str:
    """RFC 5849 §3.4.1.2: scheme and host lower-cased, default port dropped, no query or fragment."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is not None and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    return f"{scheme}://{host}{parts.path or '/'}"


def signature_base_string(
    method: str, url: str, oauth_params: Mapping[str, str], extra: Iterable[tuple[str, str]] = ()
) -> str:
    """RFC 5849 §3.4.1: the query of ``url``, ``extra`` (form body) and the protocol parameters
    (less ``oauth_signature`` and ``realm``), encoded, sorted, joined."""
    pairs = form_pairs(urlsplit(url).query) + list(extra)
    pairs += [(k, v) for k, v in oauth_params.items() if k not in ("oauth_signature", "realm")]
    encoded = sorted((percent_encode(k), percent_encode(v)) for k, v in pairs)
    normalized = "&".join(f"{k}={v}" for k, v in encoded)
    # §3.4.1.1: the method in upper case, "encoded (Section 3.6)" — a custom method may be any token
    return "&".join((percent_encode(method.upper()), percent_encode(base_string_uri(url)), percent_encode(normalized)))


def _by_name(x: tuple[str, str], y: tuple[str, str]) -> int:
    return strnatcmp(x[0], y[0])


def magento_base_string(method: str, url: str, oauth_params: Mapping[str, str]) -> str:
    """The base string Magento 2.4.4-2.4.6 build (see ``applications/magento2/query.py`` for the source):
    only ``oauth_*`` names from the header (``Request::_processHeader``), the query as Magento parses it,
    the names sorted with ``strnatcmp``, the path normalised as Laminas' ``Uri::normalize`` does."""
    params = {k: v for k, v in oauth_params.items() if PROTOCOL_PARAMETER.search(k)}
    params.update(magento_query_pairs(urlsplit(url).query))
    params.pop("oauth_signature", None)
    encoded = [(percent_encode(k), percent_encode(v)) for k, v in params.items()]
    encoded.sort(key=cmp_to_key(_by_name))
    normalized = "&".join(f"{k}={v}" for k, v in encoded)
    scheme, _, rest = base_string_uri(url).partition("://")
    host, slash, path = rest.partition("/")
    uri = f"{scheme}://{host}{normalise_path_2_4_6(slash + path)}"
    # strtoupper($method), unencoded: the same as percent_encode for an HTTP method (a token)
    return "&".join((percent_encode(method.upper()), percent_encode(uri), percent_encode(normalized)))


def plaintext_signature(consumer_secret: str, token_secret: str) -> str:
    return f"{percent_encode(consumer_secret)}&{percent_encode(token_secret)}"


def hmac_signature(method: str, base_string: str, consumer_secret: str, token_secret: str) -> str:
    key = plaintext_signature(consumer_secret, token_secret).encode("ascii")
    digest = hmac.new(key, base_string.encode("ascii"), _HMAC[method]).digest()
    return base64.b64encode(digest).decode("ascii")


def load_public_key(pem: str) -> rsa.RSAPublicKey:
    """An RSA public key from a PEM public key or certificate."""
    data = pem.encode("ascii")
    key: object
    if b"CERTIFICATE" in data:
        key = x509.load_pem_x509_certificate(data).public_key()
    else:
        key = serialization.load_pem_public_key(data)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA public key")
    return key


def verify_signature(
    method: str,
    base_string: str,
    signature: str,
    *,
    consumer_secret: str = "",
    token_secret: str = "",
    public_key: rsa.RSAPublicKey | None = None,
) -> bool:
    """Whether ``signature`` is right for ``base_string`` under ``method`` (constant-time compare)."""
    if method == "PLAINTEXT":
        return hmac.compare_digest(signature.encode(), plaintext_signature(consumer_secret, token_secret).encode())
    if method in _HMAC:
        expected = hmac_signature(method, base_string, consumer_secret, token_secret)
        return hmac.compare_digest(signature.encode(), expected.encode())
    if method in _RSA and public_key is not None:
        try:
            raw = base64.b64decode(signature, validate=True)
            public_key.verify(raw, base_string.encode("ascii"), padding.PKCS1v15(), _RSA[method]())
        except (InvalidSignature, ValueError):
            return False
        return True
    return False
