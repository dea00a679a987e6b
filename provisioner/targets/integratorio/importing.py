"""Remote integrator.io connections -> declaration documents, for ``import --from-target``.

Only connections with the Magento marker (``assistant: magento``, ``type: http``) are imported.
Non-secret fields are filled in from the remote side; every secret (integrator.io masks them: they
cannot be read back) is the placeholder ``SET-THIS-SECRET``, which ``validate --decrypt`` reports as
an error until it is set (``provisioner secrets edit FILE``), and the target never sends. The label
``integratorio/id`` names the remote connection, so the first apply replaces it instead of
creating a second one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from provisioner.applications.magento2.application import MAGENTO2
from provisioner.secrets.checks import PLACEHOLDER
from provisioner.targets.integratorio.mapping import MARKER

REMOTE_ID_LABEL = "integratorio/id"


def slug(name: str, remote_id: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50].strip("-")
    return text or f"connection-{remote_id[:8]}"


def is_magento(doc: Mapping[str, Any]) -> bool:
    return doc.get("type") == "http" and doc.get("assistant") == MARKER


def _auth(http: Mapping[str, Any]) -> dict[str, Any]:
    auth = http.get("auth") or {}
    base = str(http.get("baseURI", "")).rstrip("/")
    if auth.get("type") == "token":
        return {"type": "token", "baseUri": base, "accessToken": PLACEHOLDER}
    oauth1 = (auth.get("oauth") or {}).get("oauth1") or {}
    method = str(oauth1.get("signatureMethod", "hmac-sha256")).upper()
    out: dict[str, Any] = {"type": "oauth1", "baseUri": base, "signatureMethod": method,
                           "consumerKey": oauth1.get("consumerKey") or "set-the-consumer-key"}
    if oauth1.get("realm"):
        out["realm"] = oauth1["realm"]
    out["accessToken"] = PLACEHOLDER
    if method.startswith("RSA-"):
        out["consumerPrivateKey"] = PLACEHOLDER
    else:
        out |= {"consumerSecret": PLACEHOLDER, "tokenSecret": PLACEHOLDER}
    return out


def declaration(doc: Mapping[str, Any], name: str, agents: Mapping[str, str]) -> dict[str, Any]:
    """The declaration document of one remote connection (secrets as placeholders)."""
    http = doc.get("http") or {}
    spec: dict[str, Any] = {"application": MAGENTO2.name, "displayName": doc.get("name") or name}
    agent_id = doc.get("_agentId")
    spec |= {"mode": "on-premise", "agent": agents.get(str(agent_id), slug(str(agent_id), str(agent_id)))} \
        if agent_id else {"mode": "cloud"}
    spec["auth"] = _auth(http)
    advanced: dict[str, Any] = {}
    relative = (http.get("ping") or {}).get("relativeURI")
    if relative:
        advanced["pingPath"] = "/" + str(relative).lstrip("/")
    if http.get("disableStrictSSL"):
        advanced["verifyTls"] = False
    if advanced:
        spec["advanced"] = advanced
    return {"apiVersion": "provisioner/v1", "kind": "Connection",
            "metadata": {"name": name, "labels": {REMOTE_ID_LABEL: str(doc["_id"])}}, "spec": spec}


def select(docs: Iterable[Mapping[str, Any]], wanted: Sequence[str], managed: set[str],
           declared: set[str]) -> tuple[list[tuple[str, Mapping[str, Any]]], list[str]]:
    """(name, remote doc) to import, and the wanted names/ids that matched nothing.

    ``managed``: remote ids some record already made; ``declared``: declared connection names.
    """
    chosen: list[tuple[str, Mapping[str, Any]]] = []
    used = set(declared)
    matched: set[str] = set()
    for doc in docs:
        remote_id = str(doc.get("_id"))
        keys = {remote_id, str(doc.get("name")), slug(str(doc.get("name", "")), remote_id)}
        hits = keys & set(wanted)
        if (wanted and not hits) or not is_magento(doc) or remote_id in managed:
            continue
        matched |= hits
        name = slug(str(doc.get("name", "")), remote_id)
        if name in used:
            name = f"{name[:40]}-{remote_id[-8:]}"
        used.add(name)
        chosen.append((name, doc))
    return chosen, [w for w in wanted if w not in matched]
