"""The integrator.io target: test remotely, then create or replace; read back for plan and drift.

- ``prepare``: the API token (``tokenInfo``) and, if any connection is on-premise, the account's agents.
- ``test``: ``POST /v1/connections/ping`` with the full connection (nothing is saved).
- ``put``: ``PUT`` the remote id recorded last time (404: deleted remotely, so create again), else look
  up the ``externalId`` (a create that reached integrator.io but not our state), else ``POST``. Every
  secret comes from the decrypted declaration; the mask read back is never sent.
- ``delete``: ``GET …/dependencies`` first; refuses, naming them, while anything uses the connection.
- Agents are installed, not created: an Agent declaration maps to an existing agent by id or name.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from provisioner.declarations.base import Agent
from provisioner.declarations.models import Connection, secret_paths
from provisioner.probe.redact import Redactor
from provisioner.targets.base import Capabilities, Desired, RemoteView, RunContext, TargetError, TargetOutputs
from provisioner.targets.integratorio.answers import SAFE_ID, document, remote_id, shape_checked, text_or_none
from provisioner.targets.integratorio.client import MESSAGE_LIMIT, Client
from provisioner.targets.integratorio.config import NAME, Settings
from provisioner.targets.integratorio.importing import REMOTE_ID_LABEL
from provisioner.targets.integratorio.mapping import external_id, from_remote, to_remote
from provisioner.targets.integratorio.outcomes import ping_failure, refused

if TYPE_CHECKING:
    from provisioner.declarations.declaration import Declaration
    from provisioner.state.records import Record


class IntegratorioTarget:
    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self.settings = settings
        self.client = client or Client(settings.url)
        self._lock = threading.Lock()
        self._lineage = ""
        self._declarations: Mapping[str, Declaration] = {}
        self._agents: list[Mapping[str, Any]] | None = None
        self._by_external: dict[str, str] | None = None

    @property
    def name(self) -> str:
        return NAME

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(reads_back=True)

    def prepare(self, run: RunContext) -> None:
        self._lineage, self._declarations = run.lineage, run.declarations
        self.client.check_token()
        if any(d.kind == "Agent" for d in run.declarations.values()):
            self._remote_agents()

    # --- agents ----------------------------------------------------------------------------------

    def _remote_agents(self) -> list[Mapping[str, Any]]:
        with self._lock:
            if self._agents is None:
                self._agents = list(self.client.pages("/v1/agents"))
            return self._agents

    def _agent_id(self, agent_name: str) -> str:
        decl = self._declarations.get(f"agent.{agent_name}")
        names = {agent_name} | ({decl.resource.spec.displayName} if decl and isinstance(decl.resource, Agent)
                                and decl.resource.spec.displayName else set())
        for agent in self._remote_agents():
            agent_id, name = agent.get("_id"), agent.get("name")
            if isinstance(agent_id, str) and agent_id and (agent_id == agent_name
                                                           or (isinstance(name, str) and name in names)):
                return agent_id
        raise TargetError(f"agent {agent_name} is not installed in this integrator.io account (looked for the id or "
                          f"the name {', '.join(sorted(names))})", code="agent-not-found",
                          hint="install the agent in integrator.io (agents are installed, not created) and name it so")

    # --- connections -----------------------------------------------------------------------------

    def _document(self, desired: Desired) -> dict[str, Any]:
        resource = desired.declaration.resource
        agent = resource.spec.agent if isinstance(resource, Connection) else None
        return to_remote(desired.declaration, external=external_id(self._lineage, desired.address),
                         sandbox=self.settings.sandbox, agent_id=self._agent_id(agent) if agent else None)

    def _redactor(self, desired: Desired) -> Redactor:
        """For answers to a call that carried ``desired``'s secrets: those, and the API token."""
        secrets = secret_paths(desired.declaration.resource).values()
        return self.client.redactor(*(s.get_secret_value() for s in secrets))

    def test(self, desired: Desired) -> None:
        if desired.kind == "Agent":
            self._agent_id(desired.name)
            return
        failure = ping_failure(self.client.call("POST", "/v1/connections/ping", self._document(desired)),
                               self._redactor(desired))
        if failure is not None:
            raise failure

    def _find_external(self, external: str) -> str | None:
        with self._lock:
            if self._by_external is None:
                self._by_external = {c["externalId"]: c["_id"] for c in self.client.pages("/v1/connections")
                                     if isinstance(c.get("externalId"), str) and isinstance(c.get("_id"), str)
                                     and SAFE_ID.fullmatch(c["_id"])}
            return self._by_external.get(external)

    def put(self, desired: Desired) -> TargetOutputs:
        if desired.kind == "Agent":
            return {"remote_id": self._agent_id(desired.name)}
        doc = self._document(desired)
        adopted = desired.declaration.resource.metadata.labels.get(REMOTE_ID_LABEL)  # import --from-target
        known = desired.previous.get("remote_id") or self._find_external(doc["externalId"]) or adopted
        answer = None
        if known:
            answer = self.client.call("PUT", f"/v1/connections/{remote_id(known, 'update')}", doc)
            if answer.status_code == 404:  # deleted remotely: create it again
                answer = None
        if answer is None:
            answer = self.client.call("POST", "/v1/connections", doc, retry_resets=False)
            if answer.status_code != 201:
                raise refused("create", answer, self._redactor(desired))
        elif answer.status_code != 200:
            raise refused("update", answer, self._redactor(desired))
        what = "create" if known is None or answer.status_code == 201 else "update"
        saved = document(answer, what)
        return {"remote_id": remote_id(saved.get("_id"), what),
                "remote_version": text_or_none(saved, "lastModified", what), "external_id": doc["externalId"]}

    def delete(self, record: Record) -> None:
        recorded = record.target_outputs.get("remote_id")
        if record.kind == "Agent" or not recorded:
            return
        remote = remote_id(recorded, "delete")
        deps = self.client.call("GET", f"/v1/connections/{remote}/dependencies")
        if deps.status_code == 404:
            return  # already gone remotely
        if deps.status_code != 200:
            raise refused("dependencies", deps, self.client.redactor())
        used_by = document(deps, "dependencies")
        users = [f"{kind} {item.get('name') or item.get('_id')}" for kind, items in used_by.items()
                 if isinstance(items, list) for item in items if isinstance(item, dict)]
        if users:
            named = self.client.redactor().clean(", ".join(sorted(users)), MESSAGE_LIMIT)  # remote text
            raise TargetError(f"integrator.io connection {remote} is still used by: {named}",
                              code="in-use", hint="remove it from those flows first, then apply again")
        answer = self.client.call("DELETE", f"/v1/connections/{remote}")
        if answer.status_code not in (200, 204, 404):
            raise refused("delete", answer, self.client.redactor())

    # --- reading back ----------------------------------------------------------------------------

    def read(self, record: Record) -> RemoteView | None:
        recorded = record.target_outputs.get("remote_id")
        if not recorded:
            return None
        if record.kind == "Agent":
            found = any(a.get("_id") == recorded for a in self._remote_agents())
            return RemoteView(remote_id=str(recorded), fields={}) if found else None
        answer = self.client.call("GET", f"/v1/connections/{remote_id(recorded, 'read')}")
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise refused("read", answer, self.client.redactor())
        return self._view(document(answer, "read"), record.spec)

    @staticmethod
    def _view(doc: Mapping[str, Any], stored: Mapping[str, Any]) -> RemoteView:
        """As read: compared as is; drift/remote.py cleans what is shown of it (``own_secrets``, the records')."""
        by = doc.get("lastModifiedBy")  # its format is not documented: a string, or an object with an email/name
        if isinstance(by, dict):
            by = by.get("email") or by.get("name") or by.get("_id")
        return RemoteView(remote_id=str(doc.get("_id")), fields=from_remote(shape_checked(doc, "read"), stored),
                          external_id=doc.get("externalId"), version=text_or_none(doc, "lastModified", "read"),
                          modified_by=str(by) if by else None)

    def read_all(self) -> Iterator[RemoteView]:
        for doc in self.client.pages("/v1/connections"):
            yield self._view(doc, {})

    def remote_documents(self) -> list[Mapping[str, Any]]:
        """Every remote connection as integrator.io returns it (masked), for import."""
        return [shape_checked(d, "import") for d in self.client.pages("/v1/connections")]

    def agent_names(self) -> dict[str, str]:
        """Remote agent id -> its name, for import."""
        return {str(a.get("_id")): str(a.get("name")) for a in self._remote_agents()}

    def own_secrets(self) -> tuple[str, ...]:
        return self.client.own_secrets()

    def close(self) -> None:
        self.client.close()
