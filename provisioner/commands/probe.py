"""``provisioner test``: test connections concurrently and report one result per connection.

The seam is ``run_probes``: it takes connections whose secrets are already
decrypted (plus the agents they name) and never prints. Where those connections come from
(``--from state``: the state store; ``--from files``: declarations + sops) is
``provisioner.commands.probe_sources``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from provisioner.config import DEFAULT_PARALLELISM
from provisioner.declarations.models import Agent, Connection
from provisioner.errors import ConfigError
from provisioner.probe import ProbeResult, SessionPool, probe_many, target_from_connection


@dataclass(frozen=True)
class ProbeReport:
    results: tuple[ProbeResult, ...]
    parallelism: int
    elapsed_ms: float

    @property
    def failed(self) -> tuple[ProbeResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "tested": len(self.results),
            "failed": len(self.failed),
            "parallelism": self.parallelism,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "results": [r.to_dict() for r in self.results],
        }


def _select(connections: Sequence[Connection], names: Sequence[str]) -> list[Connection]:
    if not names:
        return sorted(connections, key=lambda c: c.metadata.name)
    by_name = {c.metadata.name: c for c in connections}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ConfigError(
            f"no connection named {', '.join(unknown)}",
            hint=f"known: {', '.join(sorted(by_name)) or 'none'}",
        )
    return [by_name[n] for n in dict.fromkeys(names)]


def run_probes(
    connections: Sequence[Connection],
    agents: Iterable[Agent] | Mapping[str, Agent] = (),
    *,
    names: Sequence[str] = (),
    parallelism: int = DEFAULT_PARALLELISM,
    session_pool: SessionPool | None = None,
) -> ProbeReport:
    """Test the named connections (all when ``names`` is empty), at most ``parallelism`` at once."""
    if parallelism < 1:
        raise ConfigError("--parallelism must be at least 1")
    agent_map = dict(agents) if isinstance(agents, Mapping) else {a.metadata.name: a for a in agents}
    targets = [target_from_connection(c, agent_map) for c in _select(connections, names)]
    started = time.perf_counter()
    results = probe_many(targets, parallelism=parallelism, session_pool=session_pool)
    return ProbeReport(tuple(results), parallelism, (time.perf_counter() - started) * 1000)
