"""Rules of a Magento 2 connection no JSON Schema can express: its URLs and what Magento accepts.

They run on declarations that passed the schema (secrets still encrypted) and add to the same ``Diagnostics``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from provisioner.applications.magento2.spec import Magento2Spec, OAuth1Auth
from provisioner.declarations.base import SignatureMethod
from provisioner.declarations.urls import is_absolute_http, url_problem

if TYPE_CHECKING:
    from provisioner.declarations.declaration import Declaration
    from provisioner.diagnostics import Diagnostics

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
    path = urlsplit(base_uri).path.rstrip("/")
    if path.endswith("/admin") or path == "admin":
        diagnostics.warning(
            "check.base-uri-admin", "`spec.auth.baseUri` ends in /admin, which is not the REST API",
            hint="replace admin with rest (e.g. https://shop.example.com/rest)", source=where,
        )


def _check_oauth1(d: Declaration, auth: OAuth1Auth, diagnostics: Diagnostics) -> None:
    method = auth.signatureMethod
    plain_http = is_absolute_http(auth.baseUri) and urlsplit(auth.baseUri).scheme == "http"
    if method is SignatureMethod.PLAINTEXT and plain_http:
        diagnostics.error(
            "check.plaintext-over-http", "signatureMethod PLAINTEXT sends the secrets readable: baseUri must be https",
            hint="use an https:// baseUri, or signatureMethod HMAC-SHA256", source=d.position("spec.auth.baseUri"),
        )
    if method is not MAGENTO_SIGNATURE:
        older = " (before 2.4.4: HMAC-SHA1 or HMAC-SHA256)" if method is SignatureMethod.HMAC_SHA1 else ""
        diagnostics.warning(
            "check.magento-signature",
            f"Magento 2.4.4 and later accept only HMAC-SHA256; {method.value} works only on older versions{older}"
            if method is SignatureMethod.HMAC_SHA1
            else f"Magento 2.4.4 and later accept only HMAC-SHA256, not {method.value}",
            hint="use signatureMethod: HMAC-SHA256", source=d.position("spec.auth.signatureMethod"),
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
