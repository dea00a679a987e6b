"""How Magento 2 reads a request's query and path when it checks an OAuth 1.0 signature.

Used by ``validate`` (warnings about ping paths that sign fine with oauthlib and fail on a store)
and by the sandbox's strict mode (which verifies the way Magento does). The facts, from source:

- ``lib/internal/Magento/Framework/Oauth/Helper/Request.php::_extractQueryStringParams`` (2.4.4 to
  2.4.6, e.g. magento/framework 103.0.6): ``explode('&', $query)``, then ``explode('=', $pair)`` and
  only ``2 === count($paramData)`` is kept — a pair without ``=`` or with two is dropped; the result
  is a PHP array keyed by name, so a repeated name keeps its last value; names and values go through
  ``rawurldecode``, which leaves ``+`` a literal plus (magento/magento2 pull request 34896 asks for
  ``urldecode``; the 2.4-develop copy read at 0074c144 has it); names matching ``/oauth_[a-z_-]+/`` are
  protocol parameters, never taken from the query when the header carries them.
- ``vendor/laminas/laminas-oauth/src/Signature/AbstractSignature.php`` (laminas-oauth 2.x, used from
  2.4.6; Zend_Oauth's ``Signature_Abstract`` before it has the same two steps):
  ``getBaseSignatureString`` percent-encodes names and values (``Http\\Utility::urlEncode``:
  ``rawurlencode``, ``~`` kept), then ``toByteValueOrderedQueryString`` sorts the encoded names with
  ``uksort($params, 'strnatcmp')`` — natural order, not RFC 5849's byte order.
- ``normaliseBaseSignatureUrl`` calls Laminas ``Uri::normalize``, whose ``normalizePath`` decodes the
  percent-encodings of unreserved characters *and* of ``:@&=+$,/;%`` — so 2.4.6 signs ``/ABC%2F10``
  as ``/ABC/10`` (magento/magento2 issue 37278; 2.4.7's ``Framework/Oauth/Helper/Uri/Http.php``
  overrides ``normalizePath`` to decode unreserved characters only).

What is modelled is 2.4.4 to 2.4.6, the strictest: a ping path that verifies here verifies there.
2.4.7's other change to ``Request::prepareRequest`` (each value ``rawurlencode``d before signing, see the
backport in issue 37278) is not modelled.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

PROTOCOL_PARAMETER = re.compile(r"oauth_[a-z_-]+")
# Laminas\Uri\Uri::normalizePath (2.4.6) decodes these besides the unreserved characters.
DECODED_IN_PATH_2_4_6 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:@&=+$,/;%")
PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")


def rawurldecode(text: str) -> str:
    """PHP's ``rawurldecode``: ``%XX`` decoded, ``+`` left alone."""
    return unquote_to_bytes(text).decode("utf-8", errors="replace")


def magento_query_pairs(query: str) -> dict[str, str]:
    """The query parameters Magento signs: exactly one ``=``, no protocol names, last value wins."""
    found: dict[str, str] = {}
    for pair in query.split("&") if query else ():
        parts = pair.split("=")
        if len(parts) == 2 and not PROTOCOL_PARAMETER.search(parts[0]):  # preg_match: anywhere in the name
            found[rawurldecode(parts[0])] = rawurldecode(parts[1])
    return found


def normalise_path_2_4_6(path: str) -> str:
    """The path as Magento 2.4.6 puts it into the signature base string (``%2F`` becomes ``/``)."""

    def decode(match: re.Match[str]) -> str:
        byte = int(match.group(1), 16)
        return chr(byte) if byte in DECODED_IN_PATH_2_4_6 else match.group(0).upper()  # decodeUrlEncodedChars

    return PERCENT.sub(decode, path)


def _digits(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    return end


def strnatcmp(a: str, b: str) -> int:
    """PHP's ``strnatcmp`` (ext/standard/strnatcmp.c) for the strings that reach it here (no spaces):
    runs of digits compare as numbers ("2" < "10"), a run starting with 0 compares digit by digit."""
    i = j = 0
    while i < len(a) and a[i] == "0" and i + 1 < len(a) and a[i + 1].isdigit():  # leading zeros, once
        i += 1
    while j < len(b) and b[j] == "0" and j + 1 < len(b) and b[j + 1].isdigit():
        j += 1
    while i < len(a) and j < len(b):
        if a[i].isdigit() and b[j].isdigit():
            ei, ej = _digits(a, i), _digits(b, j)
            run_a, run_b = a[i:ei], b[j:ej]
            if a[i] == "0" or b[j] == "0":  # compare_left: digit by digit, the shorter run first
                if run_a != run_b:
                    return -1 if run_a < run_b else 1
            elif len(run_a) != len(run_b):  # compare_right: the longer number is the larger
                return -1 if len(run_a) < len(run_b) else 1
            elif run_a != run_b:
                return -1 if run_a < run_b else 1
            i, j = ei, ej
            continue
        if a[i] != b[j]:
            return -1 if a[i] < b[j] else 1
        i += 1
        j += 1
    return (i < len(a)) - (j < len(b))
