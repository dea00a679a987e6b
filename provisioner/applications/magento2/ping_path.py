"""Ping paths that sign fine with an RFC 5849 client (oauthlib) and fail on a real Magento 2 store.

Magento builds the signature base string from the query and path its own way (``query.py`` has the
source of each fact), so the client's and the server's base strings differ and every test answers
401 "The signature is invalid. Verify and try again." whatever the credentials. Each finding says why
and what to write instead. Only OAuth 1.0 connections sign; bearer tokens are not affected.
"""

from __future__ import annotations

from functools import cmp_to_key
from urllib.parse import quote

from provisioner.applications.magento2.finding import Finding
from provisioner.applications.magento2.query import (
    DECODED_IN_PATH_2_4_6,
    PERCENT,
    PROTOCOL_PARAMETER,
    magento_query_pairs,
    rawurldecode,
    strnatcmp,
)

UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# The protocol parameters requests-oauthlib sends in the header (they sort with the query's).
CLIENT_OAUTH_NAMES = ("oauth_consumer_key", "oauth_nonce", "oauth_signature_method", "oauth_timestamp",
                      "oauth_token", "oauth_version")
INVALID = '401 "The signature is invalid. Verify and try again."'



def _encoded(name: str) -> str:
    return quote(name, safe="~")  # RFC 3986 unreserved kept: what both sides do to a name


def _query_findings(query: str) -> list[Finding]:
    found: list[Finding] = []
    seen: set[str] = set()
    repeated: set[str] = set()  # each repeated name reported once
    for pair in (p for p in query.split("&") if p):
        name = pair.split("=")[0]
        if PROTOCOL_PARAMETER.search(name):  # Request.php tests the name before decoding it
            found.append(Finding(
                "check.ping-path-oauth",
                f"`{rawurldecode(name)}` in the ping path's query looks like an OAuth protocol parameter (it "
                "contains oauth_): Magento leaves it out of the signature it checks, the client signs it in, so "
                f"every test gets {INVALID}",
                "rename or remove it: the protocol parameters travel in the Authorization header",
            ))
            continue
        if pair.count("=") != 1:
            what = "has no `=`" if "=" not in pair else "has more than one `=`"
            found.append(Finding(
                "check.ping-path-pair",
                f"`{pair}` in the ping path's query {what}: Magento leaves such a pair out of the signature it "
                f"checks, the client signs it in, so every test gets {INVALID}",
                "give it exactly one = (e.g. searchCriteria[pageSize]=1), percent-encode an = inside a value "
                "as %3D, or remove it",
            ))
            continue
        decoded = rawurldecode(name)
        if decoded in seen and decoded not in repeated:
            repeated.add(decoded)
            found.append(Finding(
                "check.ping-path-duplicate",
                f"`{decoded}` appears more than once in the ping path's query: Magento keeps only its "
                f"last value, the client signs every one, so every test gets {INVALID}",
                "keep one of them",
            ))
        seen.add(decoded)
    if "+" in query:
        found.append(Finding(
            "check.ping-path-plus",
            "the ping path's query has a `+`: Magento (2.4.4 to 2.4.6) reads it as a plus sign, the client as a "
            f"space, so every test gets {INVALID}",
            "write a space as %20 and a plus sign as %2B",
        ))
    names = [_encoded(n) for n in magento_query_pairs(query)] + list(CLIENT_OAUTH_NAMES)
    natural, byte = sorted(names, key=cmp_to_key(strnatcmp)), sorted(names)
    if natural != byte:
        first = next(i for i, (a, b) in enumerate(zip(natural, byte, strict=True)) if a != b)
        a, b = rawurldecode(natural[first]), rawurldecode(byte[first])
        found.append(Finding(
            "check.ping-path-order",
            f"Magento sorts the signed parameters in natural order (`{a}` before `{b}`), OAuth 1.0 clients in "
            f"byte order (`{b}` first), so every test gets {INVALID}",
            "keep the numbers in parameter names to one digit (indexes 0-9), or ping a path with fewer parameters",
        ))
    return found


def ping_path_findings(ping_path: str) -> list[Finding]:
    """What in an OAuth 1.0 connection's ``pingPath`` makes Magento's signature differ from the client's."""
    path, _, query = ping_path.partition("?")
    found: list[Finding] = []
    # requests (the probe's client) decodes the unreserved ones itself before sending (requote_uri)
    encoded = next((m for m in PERCENT.finditer(path) if int(m.group(1), 16) in DECODED_IN_PATH_2_4_6
                    and int(m.group(1), 16) not in UNRESERVED), None)
    if encoded is not None:
        found.append(Finding(
            "check.ping-path-encoded",
            f"the ping path has `{encoded.group(0)}` ({rawurldecode(encoded.group(0))!r} encoded) in its path: Magento "
            f"2.4.6 decodes it before checking the signature, the client signs it encoded, so every test gets "
            f"{INVALID} (magento/magento2 issue 37278; fixed for %2F in 2.4.7)",
            "ping a path without percent-encoded reserved characters, e.g. /V1/store/storeConfigs",
        ))
    return found + _query_findings(query.partition("#")[0])
