"""Rules no JSON Schema can express: across files, about URLs, and what Magento accepts.

They run on declarations that passed the schema, and add to the same ``Diagnostics``.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence
from urllib.parse import urlsplit

from provisioner.declarations.declaration import Declaration
from provisioner.declarations.models import Agent, Connection, OAuth1Auth, SignatureMethod
from provisioner.diagnostics import Diagnostics

MAGENTO_SIGNATURE = SignatureMethod.HMAC_SHA256


def _is_absolute_http(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def check_unique_names(declarations: Sequence[Declaration], diagnostics: Diagnostics) -> None:
    first: dict[str, Declaration] = {}
    for d in declarations:
        seen = first.setdefault(d.address, d)
        if seen is d:
            continue
        here, there = d.position("metadata.name"), seen.position("metadata.name")
        diagnostics.error(
            "check.duplicate-name", f"{d.kind} {d.name!r} is declared twice: first at {there}, again at {here}",
            hint=f"names are the identity in the state; rename one of them (first at {there})", source=here,
        )


def check_agents(
    declarations: Sequence[Declaration], diagnostics: Diagnostics, also_declared: Collection[str] = ()
) -> None:
    agents = {d.name for d in declarations if isinstance(d.resource, Agent)}
    agents |= {a.removeprefix("agent.") for a in also_declared if a.startswith("agent.")}
    for d in declarations:
        if not isinstance(d.resource, Connection) or d.resource.spec.agent is None:
            continue
        agent = d.resource.spec.agent
        if agent in agents:
            continue
        close = difflib.get_close_matches(agent, sorted(agents), n=1)
        hint = (
            f"did you mean `{close[0]}`?" if close
            else f"declare it: a document with kind: Agent and metadata.name: {agent}"
        )
        diagnostics.error(
            "check.unknown-agent", f"connection {d.name!r} uses agent {agent!r}, which is not declared",
            hint=hint, source=d.position("spec.agent"),
        )


def _check_base_uri(d: Declaration, base_uri: str, diagnostics: Diagnostics) -> None:
    where = d.position("spec.auth.baseUri")
    if not _is_absolute_http(base_uri):
        diagnostics.error(
            "check.base-uri", "`spec.auth.baseUri` must be an absolute http(s) URL",
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
    if method is SignatureMethod.PLAINTEXT and urlsplit(auth.baseUri).scheme == "http":
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


def check_connection_rules(declarations: Sequence[Declaration], diagnostics: Diagnostics) -> None:
    for d in declarations:
        resource = d.resource
        if isinstance(resource, Agent):
            proxy = resource.spec.proxyUrl
            if proxy is not None and not _is_absolute_http(proxy):
                diagnostics.error(
                    "check.proxy-url", "`spec.proxyUrl` must be an absolute http(s) URL",
                    hint="e.g. http://proxy.internal:3128", source=d.position("spec.proxyUrl"),
                )
            continue
        auth = resource.spec.auth
        _check_base_uri(d, auth.baseUri, diagnostics)
        if isinstance(auth, OAuth1Auth):
            _check_oauth1(d, auth, diagnostics)


def check_declarations(
    declarations: Sequence[Declaration], diagnostics: Diagnostics, *, also_declared: Collection[str] = ()
) -> None:
    """All cross-file and Magento checks; ``also_declared`` holds addresses of documents that failed the schema."""
    check_unique_names(declarations, diagnostics)
    check_agents(declarations, diagnostics, also_declared)
    check_connection_rules(declarations, diagnostics)

