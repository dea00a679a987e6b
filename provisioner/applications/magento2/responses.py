"""From an HTTP answer of Magento 2 to an outcome class, Magento's message and a hint.

Messages are Magento's own (``errors.py``); the hints say what to change in Magento or in the declaration.
"""

from __future__ import annotations

from provisioner.applications.magento2 import errors as me
from provisioner.probe.classify_response import Classification, HttpAnswer
from provisioner.probe.result import Outcome

BEARER_HINT = (
    "Magento rejected the bearer token. Magento 2.4.4+ accepts an integration's access token as a "
    "bearer token only when Stores > Configuration > Services > OAuth > Consumer Settings > "
    "'Allow OAuth Access Tokens to be used as standalone Bearer tokens' is Yes; otherwise check the "
    "token (System > Extensions > Integrations) and that the integration may use {resources}"
)
# Magento answers both a missing ACL resource and an inactive integration (OauthUserContext binds a
# verified request to an *active* integration only) with this 401. Saving the API tab grants the
# resources at once (Integration/Model/Plugin/Integration::afterUpdate); Reauthorize is not needed and
# would replace the tokens (Controller/Adminhtml/Integration/TokensExchange.php deletes the old one).
PERMISSION_HINT = (
    "the signature verified, but Magento does not let this integration use {resources}: grant the resource "
    "under System > Extensions > Integrations > (integration) > API and Save (no Reauthorize needed), "
    "and check that the integration's Status there is Active"
)
UNSUPPORTED_HINT = (
    "this Magento does not accept {method}; Magento 2.4.4 and later accept only HMAC-SHA256: "
    "set auth.signatureMethod: HMAC-SHA256"
)
NOT_FOUND_HINT = "auth.baseUri should be the REST root ending in /rest (https://shop.example.com/rest)"
NOT_API_HINT = (
    "the URL answers with a web page, not Magento's REST API: it points at the storefront or the "
    "admin; auth.baseUri should end in /rest"
)
SERVER_ERROR_HINT = "the server failed; Magento writes the details to var/log/exception.log (or var/report)"

# Token\Provider::validateAccessTokenRequest (Magento 2.4): a revoked token stays revoked; Reauthorize
# (TokensExchange.php) deletes it and issues a new access token and token secret.
REVOKED_HINT = (
    "Magento revoked this access token: Reauthorize the integration (System > Extensions > Integrations), "
    "which issues a new access token and token secret; put the new accessToken (and tokenSecret, unless the "
    "method is RSA) into the declaration, encrypted, and apply"
)

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
    me.TOKEN_REVOKED: REVOKED_HINT,
    me.CONSUMER_KEY_LENGTH: "Magento consumer keys are 32 characters: copy the consumer key again",
    me.CONSUMER_NOT_FOUND: "Magento does not know this consumer key: copy it again from the integration",
    me.NONCE_USED: "Magento saw this nonce before (a replayed or retried request): run the test again",
    me.BAD_TIMESTAMP: "the request's timestamp was refused: check this machine's clock (NTP)",
}
_DEFAULT_UNAUTHORIZED_HINT = "Magento refused the credentials: check consumerKey, accessToken and the secrets"


def _not_api(answer: HttpAnswer) -> Classification:
    kind = answer.content_type.split(";", 1)[0].strip() or "no content type"
    if 300 <= answer.status < 400:
        where = answer.location or "somewhere else"
        return Classification(
            Outcome.NOT_API,
            f"HTTP {answer.status} redirect to {where}",
            "the REST API does not redirect: use the final URL (https?) as auth.baseUri, ending in /rest",
        )
    return Classification(Outcome.NOT_API, f"HTTP {answer.status} with {kind} instead of JSON", NOT_API_HINT)


def _unauthorized(error: me.MagentoError | None, bearer: bool, resources: str) -> Classification:
    template = error.template if error else ""
    text = error.text if error else None
    if template == me.NOT_AUTHORIZED:
        if bearer:
            return Classification(Outcome.UNAUTHORIZED, text, BEARER_HINT.format(resources=resources))
        return Classification(Outcome.NOT_PERMITTED, text, PERMISSION_HINT.format(resources=resources))
    if template == me.UNSUPPORTED_METHOD:
        return Classification(Outcome.UNSUPPORTED_METHOD, text, None)
    if bearer:
        return Classification(Outcome.UNAUTHORIZED, text, BEARER_HINT.format(resources=resources))
    return Classification(Outcome.UNAUTHORIZED, text, _UNAUTHORIZED_HINTS.get(template, _DEFAULT_UNAUTHORIZED_HINT))


def classify_answer(answer: HttpAnswer, method: str) -> Classification:
    """``method`` is the signature method, or ``bearer``."""
    bearer = method == "bearer"
    if 300 <= answer.status < 400:
        return _not_api(answer)
    if not answer.is_json:
        if answer.status == 404:
            kind = answer.content_type or "no content type"
            return Classification(Outcome.NOT_FOUND, f"HTTP 404 with {kind}", NOT_FOUND_HINT)
        if answer.status >= 500:
            return Classification(Outcome.SERVER_ERROR, f"HTTP {answer.status}", SERVER_ERROR_HINT)
        return _not_api(answer)
    error = me.parse_error(answer.body) if answer.status >= 400 else None
    text = error.text if error else None
    if 200 <= answer.status < 300:
        return Classification(Outcome.OK, None, None)
    if answer.status in (400, 401):
        resources = me.resources_of(answer.body) or "the ping path's resource"
        classified = _unauthorized(error, bearer, resources)
        if classified.outcome is Outcome.UNSUPPORTED_METHOD:
            return Classification(classified.outcome, text, UNSUPPORTED_HINT.format(method=method))
        if answer.status == 400 and error is not None and error.template not in _UNAUTHORIZED_HINTS:
            return Classification(Outcome.UNAUTHORIZED, text, _DEFAULT_UNAUTHORIZED_HINT)
        return classified
    if answer.status == 403:
        return Classification(Outcome.NOT_PERMITTED, text or "HTTP 403",
                              "the server (or a firewall in front of it) refused")
    if answer.status in (404, 405):
        return Classification(Outcome.NOT_FOUND, text or f"HTTP {answer.status}", NOT_FOUND_HINT)
    return Classification(Outcome.SERVER_ERROR, text or f"HTTP {answer.status}", SERVER_ERROR_HINT)
