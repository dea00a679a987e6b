"""``provisioner drift``: files vs state vs live vs remote, one status per connection and agent, recorded.

Needs the state key (to verify records and unseal credentials for the live tests) and never a SOPS
key: the files are only validated and compared by plain fields and ciphertext digests. The run is
recorded apart from the records (``Store.record_drift``): the serial does not move, so a plan
reviewed before a drift check still applies after it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from provisioner.commands.probe_sources import prefetched
from provisioner.commands.state_open import open_project_store
from provisioner.commands.workspace import actor, git_commit, load_valid
from provisioner.config import DEFAULT_PARALLELISM, ProjectConfig
from provisioner.drift.check import Findings, build_items, select
from provisioner.drift.files import by_address
from provisioner.drift.live import LiveResults, retest_from_state
from provisioner.drift.model import DriftReport
from provisioner.drift.records import read_state
from provisioner.drift.remote import NO_REMOTE, RemoteResults, read_remote
from provisioner.errors import ConfigError
from provisioner.state.drift_runs import DriftResult, DriftRun
from provisioner.targets import target_for


def _recorded(report: DriftReport) -> list[DriftResult]:
    return [DriftResult(address=i.address, status=i.status.value, test_class=i.test.outcome if i.test else None,
                        detail=i.reason[:500] or None) for i in report.items]


def run_drift(config: ProjectConfig, *, names: Sequence[str] = (), paths: Sequence[Path] = (),
              workspace: str | None = None, test: bool = True,
              parallelism: int = DEFAULT_PARALLELISM, all_remote: bool = False) -> DriftReport:
    """Check drift and record the run in the state; never decrypts a file, never prints.

    ``all_remote``: also list the remote side's connections that no record made (``undeclared-remote``).
    """
    if parallelism < 1:
        raise ConfigError("--parallelism must be at least 1")
    started = time.perf_counter()
    loaded = load_valid(config, paths)
    declarations = by_address(loaded.declarations)
    target = target_for(config)
    try:
        with open_project_store(config, workspace) as store:
            state = read_state(store, declarations)
            chosen = select(sorted(set(declarations) | set(state.records) | set(state.tampered)), names)
            picked = [state.records[a] for a in chosen if a in state.records]
            wanted = set(chosen)  # the chosen records' secrets and the agents' (proxies), read at once
            unseal = (prefetched(store, [a for a, r in state.records.items() if r.kind == "Agent" or a in wanted])
                      if test or target.capabilities.reads_back else store.unseal)
            live = (retest_from_state(list(state.records.values()), chosen, unseal, parallelism=parallelism)
                    if test else LiveResults())
            remote = (read_remote(target, picked, list_undeclared=all_remote, unseal=unseal) if not state.tampered
                      else RemoteResults())
            findings = Findings(declarations, state, live, remote, root=config.root)
            notes = [] if target.capabilities.reads_back else [NO_REMOTE.format(name=target.name)]
            notes += [f"could not read {a} back: {why}" for a, why in sorted(remote.errors.items())]
            report = DriftReport(workspace=store.workspace, lineage=state.lineage, serial=state.serial,
                                 tested=test, target=target.name, items=build_items(chosen, findings),
                                 notes=tuple(notes), unread=tuple(sorted(remote.errors)))
            run = store.record_drift(_recorded(report), actor=actor(), git_commit=git_commit(config.root),
                                     tested=test)
    finally:
        target.close()
    return replace(report, run_id=run.run_id, elapsed_ms=(time.perf_counter() - started) * 1000)


def drift_history(config: ProjectConfig, limit: int | None = None,
                  workspace: str | None = None) -> tuple[str, list[DriftRun]]:
    """``state history --drift``: the workspace's drift runs, oldest first (read-only)."""
    with open_project_store(config, workspace) as store:
        return store.workspace, store.drift_runs(limit)
