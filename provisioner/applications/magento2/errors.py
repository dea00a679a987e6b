"""Magento 2 REST error bodies: ``{"message": "...", "parameters": [...] or {...}}``.

Magento renders a ``Phrase``'s placeholders on the client's side of the wire: positional
arguments (a JSON list, or an object with numeric keys) fill ``%1``, ``%2``…; named ones
fill ``%name``. The message templates below are Magento's own, so the classifier can
recognise them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

# Magento's messages, not credentials:
# ruff: noqa: S105
NOT_AUTHORIZED = "The consumer isn't authorized to access %resources."
UNSUPPORTED_METHOD = "Signature method %1 is not supported"
INVALID_SIGNATURE = "The signature is invalid. Verify and try again."
NO_ROUTE = "Request does not match any route."
TOKEN_NOT_FOUND = "Specified token does not exist"
TOKEN_LENGTH = "The token length is invalid. Check the length and try again."
TOKEN_NOT_OF_CONSUMER = "Token is not associated with the specified consumer"
TOKEN_REVOKED = "Access token has been revoked"
CONSUMER_KEY_LENGTH = "Consumer key is not the correct length"
CONSUMER_NOT_FOUND = "A consumer having the specified key does not exist"
NONCE_USED = "The nonce is already being used by the consumer with ID %1"
# Integration/Model/Oauth/Nonce/Generator.php::validateNonce (magento/magento2 1fd56169, 2.4.8; the same in
# 2.1 and 2.2): a timestamp <= 0 or more than TIME_DEVIATION (600) s ahead throws an OauthInputException
# ("Incorrect timestamp value in the oauth_timestamp parameter"), which is not an Oauth\Exception, so the
# generator's own catch (\Exception) turns it into this Oauth\Exception (401), as it does any failure to
# load or save the nonce. Released Magento 2 never sends the timestamp message itself.
NONCE_INVALID = "An error occurred validating the nonce"
# Framework/Webapi/ServiceInputProcessor.php::processInputError (magento/magento2 6bc3fe98, 2.4): a service
# argument with no default that the request does not carry; an InputException, 400 (Webapi/ErrorProcessor.php
# ::maskException, 1c820bef), parameters {"fieldName": "<argument>"}. Reached only after the request passed
# authentication and the ACL check (Webapi/Controller/Rest/InputParamsResolver.php::resolve validates first).
FIELD_REQUIRED = '"%fieldName" is required. Enter and try again.'

_PLACEHOLDER = re.compile(r"%(\w+)")
MAX_MESSAGE = 500


@dataclass(frozen=True)
class MagentoError:
    template: str  # the message as Magento sent it, placeholders intact
    text: str  # with the parameters substituted


def _lookup(parameters: object) -> dict[str, str]:
    found: dict[str, str] = {}
    if isinstance(parameters, list):
        for index, value in enumerate(parameters):
            found[str(index + 1)] = str(value)
    elif isinstance(parameters, dict):
        for raw_key, value in parameters.items():
            key = str(raw_key)
            found[str(int(key) + 1) if key.isdigit() else key] = str(value)
    return found


def render_message(template: str, parameters: object) -> str:
    values = _lookup(parameters)

    def substitute(match: re.Match[str]) -> str:
        return values.get(match.group(1), match.group(0))

    return _PLACEHOLDER.sub(substitute, template)


def parse_error(body: bytes) -> MagentoError | None:
    """Magento's error, when ``body`` is one of its JSON error documents."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        return None
    template = data["message"][:MAX_MESSAGE]
    return MagentoError(template=template, text=render_message(template, data.get("parameters"))[:MAX_MESSAGE])


def named_parameter(body: bytes, name: str) -> str | None:
    """A named parameter of a Magento error (``resources``, ``fieldName``), when present."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    params = data.get("parameters") if isinstance(data, dict) else None
    if isinstance(params, dict) and params.get(name) is not None:
        return str(params[name])
    return None


def resources_of(body: bytes) -> str | None:
    """The ``%resources`` parameter of a not-authorized error, when present."""
    return named_parameter(body, "resources")
