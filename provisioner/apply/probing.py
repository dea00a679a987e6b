"""The executor's prober: the real connection test (``provisioner.probe``) as a ``Verdict``."""

from __future__ import annotations

from collections.abc import Mapping

from provisioner.apply.executor import Prober
from provisioner.apply.results import Verdict
from provisioner.declarations.declaration import Declaration
from provisioner.declarations.models import Agent, Connection
from provisioner.probe.probe import probe
from provisioner.probe.session_pool import SessionPool
from provisioner.probe.target import target_from_connection


def make_prober(pool: SessionPool) -> Prober:
    """Test a decrypted connection declaration (through its agent's proxy when on-premise)."""

    def test(decl: Declaration, agents: Mapping[str, Declaration]) -> Verdict:
        resource = decl.resource
        if not isinstance(resource, Connection):
            return Verdict(ok=True, outcome="untested", message="only connections are tested")
        agent_models = {name: a.resource for name, a in agents.items() if isinstance(a.resource, Agent)}
        result = probe(target_from_connection(resource, agent_models), pool)
        return Verdict(ok=result.ok, outcome=result.label, message=result.message, hint=result.hint,
                       status=result.status_code, elapsed_ms=round(result.elapsed_ms, 1))

    return test
