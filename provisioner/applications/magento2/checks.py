"""Rules of a Magento 2 connection no JSON Schema can express: its URLs and what Magento accepts.

They run on declarations that passed the schema (secrets still encrypted) and add to the same ``Diagnostics``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from provisioner.applications.magento2.base_uri import base_uri_findings
from provisioner.applications.magento2.ping_path import ping_path_findings
from provisioner.applications.magento2.spec import Magento2Spec, OAuth1Auth
from provisioner.declarations.base import SignatureMethod
from provisioner.declarations.urls import is_absolute_http, url_problem

if TYPE_CHECKING:
    from provisioner.declarations.declaration import Declaration
    from provisioner.diagnostics import Diagnostics

# lib/internal/Magento/Framework/Oauth/OauthInterface.php (every 2.x) defines SIGNATURE_SHA1 = 'HMAC-SHA1' and
# SIGNATURE_SHA256 = 'HMAC-SHA256' and no other; Oauth.php::_validateSignature refuses any method outside
# getSupportedSignatureMethods() with 400 "Signature method %1 is not supported" — [SHA1, SHA256] up to 2.4.3,
# [SHA256] from 2.4.4 (Oauth.php, 2.4.4). An integration has no field for an RSA public key.
MAGENTO_SIGNATURE = SignatureMethod.HMAC_SHA256


def _check_base_uri(d: Declaration, base_uri: str, diagnostics: Diagnostics) -> None:
    where = d.position("spec.auth.baseUri")
    if not is_absolute_http(base_uri):
        diagnostics.error(
            "check.base-uri", "`spec.auth.baseUri` must be an absolute http(s) URL",
            hint="e.g. https://shop.example.com/rest", source=where,
        )
        return
    problem = url_problem(base_uri)
    if problem:
        diagnostics.error(
            "check.base-uri", f"`spec.auth.baseUri` {problem}",
            hint="e.g. https://shop.example.com/rest", source=where,
        )
        return
    for finding in base_uri_findings(base_uri):
        diagnostics.warning(finding.code, finding.message, hint=finding.hint, source=where)


def _check_oauth1(d: Declaration, auth: OAuth1Auth, diagnostics: Diagnostics) -> None:
    method = auth.signatureMethod
    plain_http = is_absolute_http(auth.baseUri) and urlsplit(auth.baseUri).scheme == "http"
    if method is SignatureMethod.PLAINTEXT and plain_http:
        diagnostics.error(
            "check.plaintext-over-http", "signatureMethod PLAINTEXT sends the secrets readable: baseUri must be https",
            hint="use an https:// baseUri, or signatureMethod HMAC-SHA256", source=d.position("spec.auth.baseUri"),
        )
    if method is SignatureMethod.HMAC_SHA1:
        diagnostics.warning(
            "check.magento-signature",
            "HMAC-SHA1 works only with Magento 2.4.3 and earlier; 2.4.4 and later accept only HMAC-SHA256",
            hint="use signatureMethod: HMAC-SHA256 (every Magento 2.x accepts it)",
            source=d.position("spec.auth.signatureMethod"),
        )
    elif method is not MAGENTO_SIGNATURE:
        diagnostics.warning(
            "check.magento-signature",
            f"no Magento 2 version verifies {method.value} (Magento knows only HMAC-SHA1 and HMAC-SHA256, 2.4.4 "
            "and later only HMAC-SHA256): the connection test will fail with \"Signature method "
            f"{method.value} is not supported\"",
            hint=f"use signatureMethod: HMAC-SHA256 ({method.value} is kept for other OAuth 1.0 servers)",
            source=d.position("spec.auth.signatureMethod"),
        )
    if auth.realm:
        diagnostics.warning(
            "check.realm-ignored", "Magento ignores the OAuth realm", hint="remove `realm` (or leave it empty)",
            source=d.position("spec.auth.realm"),
        )


def check_connection(d: Declaration, diagnostics: Diagnostics) -> None:
    """The Magento checks of one validated connection declaration."""
    spec = getattr(d.resource, "spec", None)
    if not isinstance(spec, Magento2Spec):
        return
    _check_base_uri(d, spec.auth.baseUri, diagnostics)
    if not spec.advanced.verifyTls:
        diagnostics.warning(
            "check.tls-unverified", "`spec.advanced.verifyTls: false` accepts any certificate: anyone on the path "
            "can read and change the requests, secrets included",
            hint="remove verifyTls: false; for a private CA, set `spec.advanced.caBundle` instead",
            source=d.position("spec.advanced.verifyTls"),
        )
    if isinstance(spec.auth, OAuth1Auth):
        _check_oauth1(d, spec.auth, diagnostics)
        for finding in ping_path_findings(spec.advanced.pingPath):  # a bearer token signs nothing
            diagnostics.warning(finding.code, finding.message, hint=finding.hint,
                                source=d.position("spec.advanced.pingPath"))
