"""From an HTTP answer of Magento 2 to an outcome class, Magento's message and a hint.

Messages are Magento's own (``errors.py``); the hints (``hints.py``) say what to change in Magento, in
front of it, or in the declaration. The table of every answer, class, hint and source is docs/probe.md.
"""

from __future__ import annotations

from functools import partial

from provisioner.applications.magento2 import errors as me
from provisioner.applications.magento2 import hints as h
from provisioner.probe.classify_response import Classification, HttpAnswer
from provisioner.probe.result import Outcome

PERMISSION_HINT = h.PERMISSION_HINT  # the names other modules and tests use
REVOKED_HINT = h.REVOKED_HINT
BEARER_HINT = h.BEARER_HINT

_UNAUTHORIZED_HINTS: dict[str, str] = {
    me.INVALID_SIGNATURE: (
        "the signature did not verify: check consumerSecret and tokenSecret (or, for RSA, that "
        "consumerPrivateKey matches the integration's public key), and that baseUri is the URL "
        "Magento itself sees (a proxy that changes scheme, host or port breaks signatures)"
    ),
    me.TOKEN_NOT_FOUND: (
        "Magento does not know this access token: copy it again from System > Extensions > Integrations"
    ),
    me.TOKEN_LENGTH: "Magento access tokens are 32 characters: copy the access token again",
    me.TOKEN_NOT_OF_CONSUMER: "the access token belongs to another integration than the consumer key",
    me.TOKEN_REVOKED: h.REVOKED_HINT,
    me.CONSUMER_KEY_LENGTH: "Magento consumer keys are 32 characters: copy the consumer key again",
    me.CONSUMER_NOT_FOUND: "Magento does not know this consumer key: copy it again from the integration",
    me.NONCE_USED: "Magento saw this nonce before (a replayed or retried request): run the test again",
}
_DEFAULT_UNAUTHORIZED_HINT = "Magento refused the credentials: check consumerKey, accessToken and the secrets"
_MAX_DEVIATION_S = 600  # Nonce/Generator.php::TIME_DEVIATION (magento/magento2 1fd56169, 2.4.8)


def _not_api(answer: HttpAnswer) -> Classification:
    kind = answer.content_type.split(";", 1)[0].strip() or "no content type"
    if 300 <= answer.status < 400:
        where = answer.location or "somewhere else"
        return Classification(
            Outcome.NOT_API,
            f"HTTP {answer.status} redirect to {where}",
            "the REST API does not redirect: use the final URL (https?) as auth.baseUri, ending in /rest",
        )
    if answer.status in (401, 403):
        challenge = (answer.www_authenticate or "").strip()
        if challenge:
            return Classification(Outcome.BLOCKED, f"HTTP {answer.status} with {kind} and an HTTP auth challenge",
                                  h.BASIC_AUTH_HINT.format(challenge=challenge))
        return Classification(Outcome.BLOCKED, f"HTTP {answer.status} with {kind} instead of Magento's JSON",
                              h.FIREWALL_HINT)
    return Classification(Outcome.NOT_API, f"HTTP {answer.status} with {kind} instead of JSON", h.NOT_API_HINT)


def _after_wrong_signature(first: Classification, resources: str, again: HttpAnswer) -> Classification:
    """The answer to the same request signed with throwaway secrets (see ``Classification.recheck``)."""
    error = me.parse_error(again.body) if again.is_json else None
    template = error.template if error else None
    if again.status == 401 and template == me.INVALID_SIGNATURE:
        return Classification(Outcome.NOT_PERMITTED, first.message, h.PERMISSION_HINT.format(resources=resources))
    if again.status == 401 and template == me.NOT_AUTHORIZED:
        return Classification(Outcome.HEADER_STRIPPED, first.message, h.HEADER_STRIPPED_HINT)
    return first


def _nonce_hint(answer: HttpAnswer) -> str:
    ahead = answer.clock_ahead_s
    if ahead is None:
        return h.NONCE_HINT
    if ahead > _MAX_DEVIATION_S:
        return h.CLOCK_AHEAD_HINT.format(seconds=ahead)
    relation = f"{ahead} s ahead of" if ahead > 0 else f"{-ahead} s behind" if ahead < 0 else "level with"
    return h.NONCE_STORAGE_HINT.format(relation=relation)


def _unauthorized(answer: HttpAnswer, error: me.MagentoError | None, method: str) -> Classification:
    bearer = method == "bearer"
    template = error.template if error else ""
    text = error.text if error else None
    resources = me.resources_of(answer.body) or "the ping path's resource"
    if template == me.NOT_AUTHORIZED:
        if bearer:
            return Classification(Outcome.UNAUTHORIZED, text, h.BEARER_HINT.format(resources=resources))
        first = Classification(Outcome.NOT_PERMITTED, text, h.PERMISSION_OR_HEADER_HINT.format(resources=resources))
        return Classification(first.outcome, first.message, first.hint,
                              recheck=partial(_after_wrong_signature, first, resources))
    if template == me.UNSUPPORTED_METHOD:
        return Classification(Outcome.UNSUPPORTED_METHOD, text, h.UNSUPPORTED_HINT.format(method=method))
    if template == me.FIELD_REQUIRED and answer.status == 400:
        field = me.named_parameter(answer.body, "fieldName") or "?"
        if field.startswith("oauth_"):  # the same phrase from Oauth.php::_checkRequiredParams: no argument
            return Classification(Outcome.UNAUTHORIZED, text, h.OAUTH_PARAMETER_HINT.format(field=field))
        return Classification(Outcome.MISSING_ARGUMENT, text, h.MISSING_ARGUMENT_HINT.format(field=field))
    if bearer:
        return Classification(Outcome.UNAUTHORIZED, text, h.BEARER_HINT.format(resources=resources))
    if template == me.NONCE_INVALID:
        return Classification(Outcome.UNAUTHORIZED, text, _nonce_hint(answer))
    return Classification(Outcome.UNAUTHORIZED, text, _UNAUTHORIZED_HINTS.get(template, _DEFAULT_UNAUTHORIZED_HINT))


def classify_answer(answer: HttpAnswer, method: str) -> Classification:
    """``method`` is the signature method, or ``bearer``."""
    if 300 <= answer.status < 400:
        return _not_api(answer)
    if not answer.is_json:
        if answer.status == 404:
            kind = answer.content_type or "no content type"
            return Classification(Outcome.NOT_FOUND, f"HTTP 404 with {kind}", h.NOT_FOUND_HINT)
        if answer.status >= 500:
            return Classification(Outcome.SERVER_ERROR, f"HTTP {answer.status}", h.SERVER_ERROR_HINT)
        return _not_api(answer)
    if 200 <= answer.status < 300:
        return Classification(Outcome.OK, None, None)
    error = me.parse_error(answer.body) if answer.status >= 400 else None
    text = error.text if error else None
    if answer.status in (400, 401):
        return _unauthorized(answer, error, method)
    if answer.status == 403:
        return Classification(Outcome.NOT_PERMITTED, text or "HTTP 403",
                              "the server (or a firewall in front of it) refused")
    if answer.status in (404, 405):
        return Classification(Outcome.NOT_FOUND, text or f"HTTP {answer.status}", h.NOT_FOUND_HINT)
    return Classification(Outcome.SERVER_ERROR, text or f"HTTP {answer.status}", h.SERVER_ERROR_HINT)
