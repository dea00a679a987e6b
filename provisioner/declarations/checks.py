"""Rules no JSON Schema can express: across files, about URLs, and each application's own.

They run on declarations that passed the schema, and add to the same ``Diagnostics``. The
rules of one application (Magento's signature methods, realm, /admin base URI) live in its
package: ``Application.check``.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence

from provisioner.applications.registry import application_for
from provisioner.declarations.declaration import Declaration
from provisioner.declarations.models import Agent, Connection
from provisioner.declarations.urls import is_absolute_http, url_problem
from provisioner.diagnostics import Diagnostics


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


def check_connection_rules(declarations: Sequence[Declaration], diagnostics: Diagnostics) -> None:
    for d in declarations:
        resource = d.resource
        if isinstance(resource, Agent):
            proxy = resource.spec.proxyUrl
            if proxy is not None and not is_absolute_http(proxy):
                diagnostics.error(
                    "check.proxy-url", "`spec.proxyUrl` must be an absolute http(s) URL",
                    hint="e.g. http://proxy.internal:3128", source=d.position("spec.proxyUrl"),
                )
            elif proxy is not None and (problem := url_problem(proxy)):
                diagnostics.error(
                    "check.proxy-url", f"`spec.proxyUrl` {problem}",
                    hint="e.g. http://proxy.internal:3128", source=d.position("spec.proxyUrl"),
                )
            continue
        application_for(resource.spec.application).check(d, diagnostics)


def check_declarations(
    declarations: Sequence[Declaration], diagnostics: Diagnostics, *, also_declared: Collection[str] = ()
) -> None:
    """All cross-file checks and each application's.

    ``also_declared`` holds addresses of documents that failed the schema.
    """
    check_unique_names(declarations, diagnostics)
    check_agents(declarations, diagnostics, also_declared)
    check_connection_rules(declarations, diagnostics)

