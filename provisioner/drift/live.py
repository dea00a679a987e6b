"""State vs live: each applied connection tested with the credentials sealed in the state.

This is ``test --from state`` per record: a revoked or rotated token, a lost ACL permission or a
host that is gone shows as a failed test, with the probe's class and hint. Secrets are unsealed in
memory only, for the probe; results carry none (the probe redacts server text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from provisioner.commands.probe_sources import resource_from_record
from provisioner.declarations.models import Agent, Connection
from provisioner.drift.model import LiveTest
from provisioner.errors import ProvisionerError
from provisioner.probe import ProbeResult, ProbeTarget, probe_many, target_from_connection
from provisioner.state.records import Record

Unsealer = Callable[[str], Mapping[str, str]]  # address -> secret values by path (Store.unseal)


@dataclass(frozen=True)
class LiveResults:
    tests: Mapping[str, LiveTest] = field(default_factory=dict)  # by address
    skipped: Mapping[str, str] = field(default_factory=dict)  # address -> why it could not be tested


def _summary(result: ProbeResult) -> LiveTest:
    return LiveTest(outcome=result.label, ok=result.ok, status_code=result.status_code, message=result.message,
                    hint=result.hint, elapsed_ms=result.elapsed_ms)


def _resources(records: Sequence[Record], unseal: Unsealer) -> tuple[dict[str, Connection | Agent], dict[str, str]]:
    resources: dict[str, Connection | Agent] = {}
    skipped: dict[str, str] = {}
    for record in records:
        try:
            resources[record.address] = resource_from_record(record, unseal(record.address))
        except ProvisionerError as exc:
            skipped[record.address] = exc.message
    return resources, skipped


def retest_from_state(records: Sequence[Record], chosen: Sequence[str], unseal: Unsealer, *,
                    parallelism: int) -> LiveResults:
    """Test the connections among ``chosen`` addresses; agents (all verified ``records``) serve as proxies."""
    wanted = set(chosen)
    needed = [r for r in records if r.kind == "Agent" or (r.kind == "Connection" and r.address in wanted)]
    resources, skipped = _resources(needed, unseal)
    agents = {r.metadata.name: r for r in resources.values() if isinstance(r, Agent)}
    targets: list[tuple[str, ProbeTarget]] = []
    for address, resource in sorted(resources.items()):
        if not isinstance(resource, Connection) or address not in wanted:
            continue
        try:
            targets.append((address, target_from_connection(resource, agents)))
        except ProvisionerError as exc:
            skipped[address] = f"not tested: {exc.message}"
    results = probe_many([t for _, t in targets], parallelism=parallelism)
    tests = {address: _summary(result) for (address, _), result in zip(targets, results, strict=True)}
    return LiveResults(tests, {a: why for a, why in skipped.items() if a in wanted})
