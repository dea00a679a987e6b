"""The executor: test each connection, put it to the target, then commit it — a group commit of what is ready.

Order: agents first (connections are tested through them), then connections (tested
concurrently, at most ``parallelism`` at once), then deletes (connections before the agents they
used). A create or update runs our own test (the ``prober``: the probe), then the target's remote
test and put (``provisioner.targets``; the default ``local`` target does nothing remotely), and its
record keeps what the put returned. A delete asks the target first, which may refuse it. A failed
test or a target failure commits nothing for that connection and the run goes on.

Connections are committed in groups (``Store.put_many``: one transaction, with a serial and a
history row for each record, and the history rows of the failures): whatever is ready once
``COMMIT_INTERVAL`` has passed since the last commit, or when nothing else is running. Every
commit rewrites the workspace's integrity chain, whose size grows with the workspace, so a
transaction a connection made an apply of N connections cost N² (issue 16); the interval also
grows with the commit's own cost (``COMMIT_SHARE``), so committing takes a small share of the
run, and a crash loses at most the tests of one interval (the next run tests them again).

Commits happen on the calling thread only, so a store needs no thread safety. When ``stop`` is
set (Ctrl-C) no new work starts; tests in flight finish and what passed is committed, so the
state stays consistent and the next run converges. ``checkpoint`` marks the points a crash test
halts at (a no-op otherwise).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime

from provisioner.apply.checkpoints import checkpoint
from provisioner.apply.early import tested
from provisioner.apply.results import ApplyReport, ItemResult, ItemStatus, Verdict
from provisioner.apply.target_step import Failure, Ready, refusal, through_target
from provisioner.config import DEFAULT_PARALLELISM
from provisioner.declarations.declaration import Declaration
from provisioner.declarations.models import Connection, secret_paths
from provisioner.errors import ProvisionerError, StateError
from provisioner.plan.differ import ciphertext_digests
from provisioner.plan.model import Action, Change, Plan
from provisioner.state.records import Note, Put, Record, RecordWrite
from provisioner.state.store import Store
from provisioner.targets.base import RunContext, Target, TargetOutputs
from provisioner.targets.local import LocalTarget

Prober = Callable[[Declaration, Mapping[str, Declaration]], Verdict]  # (connection, agents by name)
Listener = Callable[[ItemResult], None]

UNTESTED = Verdict(ok=True, outcome="untested", message="committed with --skip-test")
AGENT_UNTESTED = Verdict(ok=True, outcome="untested", message="agents are tested through their connections")
COMMIT_INTERVAL = 0.25  # seconds: the shortest time between two group commits while tests are running
COMMIT_SHARE = 0.2  # and at most this share of the time goes to committing (the interval is 1/share x its cost)


@dataclass
class ApplyOptions:
    actor: str
    prober: Prober
    target: Target = field(default_factory=LocalTarget)  # where applied connections go; the caller closes it
    git_commit: str | None = None
    skip_test: bool = False
    parallelism: int = DEFAULT_PARALLELISM
    stop: threading.Event = field(default_factory=threading.Event)
    on_item: Listener = lambda item: None
    on_start: Callable[[int], None] = lambda total: None  # called once with the number of changes to apply


class _Run:
    def __init__(self, plan: Plan, decls: Mapping[str, Declaration], store: Store, opts: ApplyOptions,
                 records: Mapping[str, Record], *, early: Callable[[Declaration], Verdict | None]) -> None:
        self.decls, self.store, self.opts, self.records, self.early = decls, store, opts, records, early
        self.report = ApplyReport(workspace=plan.workspace, serial_before=plan.serial, serial_after=plan.serial)
        self.agents = {d.name: d for d in decls.values() if d.kind == "Agent"}
        self.failed_agents: set[str] = set()
        self.committed = 0  # items committed so far, and connection tests started: the crash tests' halting line
        self.started = 0

    def record(self, item: ItemResult) -> None:
        self.report.items.append(item)
        if item.serial is not None:
            self.report.serial_after = item.serial
        self.opts.on_item(item)

    def ready(self, change: Change, verdict: Verdict | None = None) -> Ready:
        """Our test (unless ``verdict`` is given), then the target's remote test and put. On a worker thread."""
        verdict = verdict or self.test(change)
        if not verdict.ok:
            return Ready(verdict, failure=Failure("test", verdict.outcome))
        return through_target(self.opts.target, change, self.decls[change.address], self.records.get(change.address),
                              verdict, remote_test=not self.opts.skip_test)

    def finish(self, batch: Sequence[tuple[Change, Ready]]) -> None:
        """Commit what passed and note what failed, in one transaction; report each item."""
        passed = [(c, r) for c, r in batch if r.failure is None]
        failed = [(c, r.verdict, r.failure) for c, r in batch if r.failure is not None]
        puts = [Put(c.action.value, self.write(c, r.verdict, r.outputs)) for c, r in passed]
        notes = [Note(f.stage, c.address, "failed", f.why) for c, _, f in failed]
        checkpoint("before-commit", resume=self.opts.stop, times=len(puts), note=self.progress())
        try:
            results: Sequence[int | StateError] = self.store.put_many(puts, actor=self.opts.actor, notes=notes)
        except StateError as exc:
            if puts:  # the state refuses writes: nothing more is started (a failure alone is reported either way)
                self.opts.stop.set()
            results = [exc] * len(puts)
        for (change, ready), result in zip(passed, results, strict=True):
            if isinstance(result, StateError):
                self.opts.stop.set()
                if change.kind == "Agent":
                    self.failed_agents.add(change.name)
                self.record(ItemResult(change.address, change.action.value, ItemStatus.ERROR, ready.verdict,
                                       result.message))
            else:
                self.committed += 1
                self.record(ItemResult(change.address, change.action.value, ItemStatus.APPLIED, ready.verdict,
                                       serial=result))
        for change, verdict, failure in failed:
            if change.kind == "Agent":
                self.failed_agents.add(change.name)
            self.record(ItemResult(change.address, change.action.value, ItemStatus.FAILED, verdict, failure.detail))
        checkpoint("after-commit", resume=self.opts.stop, times=len(puts), note=self.progress())

    def progress(self) -> str:
        return f"committed={self.committed} started={self.started}"

    def write(self, change: Change, verdict: Verdict, outputs: TargetOutputs) -> RecordWrite:
        decl = self.decls[change.address]
        return RecordWrite(
            address=change.address, kind=change.kind, name=change.name, spec=change.after or {},
            secrets={p: v.get_secret_value() for p, v in secret_paths(decl.resource).items()},
            sops_digests=ciphertext_digests(decl),
            last_test={**verdict.to_record(), "tested_at": datetime.now(UTC).isoformat(timespec="seconds")},
            applied_by=self.opts.actor, git_commit=self.opts.git_commit, target_outputs=outputs,
        )

    def fail(self, change: Change, verdict: Verdict | None, failure: Failure) -> None:
        with contextlib.suppress(StateError):  # the failure is reported either way; nothing was committed
            self.store.append_history(failure.stage, change.address, actor=self.opts.actor, outcome="failed",
                                      detail=failure.why)
        if change.kind == "Agent":
            self.failed_agents.add(change.name)
        self.record(ItemResult(change.address, change.action.value, ItemStatus.FAILED, verdict, failure.detail))

    def skip(self, change: Change, why: str) -> None:
        self.record(ItemResult(change.address, change.action.value, ItemStatus.SKIPPED, detail=why))

    def blocked_by_agent(self, change: Change) -> str | None:
        resource = self.decls[change.address].resource
        if isinstance(resource, Connection) and resource.spec.agent in self.failed_agents:
            return f"agent {resource.spec.agent} was not applied"
        return None

    def test(self, change: Change) -> Verdict:
        if self.opts.skip_test:
            return UNTESTED
        decl = self.decls[change.address]  # tested early (as its file was decrypted), or now
        return self.early(decl) or tested(self.opts.prober, decl, self.agents)

    def run_connections(self, changes: Sequence[Change]) -> None:
        pending: Iterator[Change] = iter(changes)
        order = {c.address: i for i, c in enumerate(changes)}
        parallelism = max(1, self.opts.parallelism)
        ready: list[tuple[Change, Ready]] = []
        interval, last = COMMIT_INTERVAL, time.monotonic()
        with ThreadPoolExecutor(max_workers=parallelism) as pool:
            running: dict[Future[Ready], Change] = {}
            while True:
                while not self.opts.stop.is_set() and len(running) < parallelism:
                    change = next(pending, None)
                    if change is None:
                        break
                    if why := self.blocked_by_agent(change):
                        self.skip(change, why)
                        continue
                    running[pool.submit(self.ready, change)] = change
                    self.started += 1
                if not running and not ready:
                    break
                if ready and (not running or self.opts.stop.is_set() or time.monotonic() - last >= interval):
                    began = time.monotonic()
                    self.finish(sorted(ready, key=lambda item: order[item[0].address]))
                    ready, last = [], time.monotonic()
                    interval = max(COMMIT_INTERVAL, (last - began) / COMMIT_SHARE)
                    continue  # the slots freed while committing are filled before waiting again
                if running:
                    done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
                    ready.extend((running.pop(fut), fut.result()) for fut in done)
        for change in pending:
            self.skip(change, "interrupted before it started")

    def delete(self, change: Change) -> None:
        if self.opts.stop.is_set():
            self.skip(change, "interrupted before it started")
            return
        record = self.records.get(change.address)
        try:
            if record is not None:  # always: a delete is planned from a record
                self.opts.target.delete(record)
        except ProvisionerError as exc:
            failure = refusal(self.opts.target, exc, "delete")
            self.fail(change, None, Failure(failure.stage, failure.why, f"{failure.detail}; the record is kept"))
            return
        checkpoint("before-delete", resume=self.opts.stop)
        try:
            serial = self.store.delete(change.address, actor=self.opts.actor)
        except StateError as exc:
            self.opts.stop.set()
            self.record(ItemResult(change.address, "delete", ItemStatus.ERROR, detail=exc.message))
            return
        self.record(ItemResult(change.address, "delete", ItemStatus.DELETED, serial=serial))
        checkpoint("after-delete", resume=self.opts.stop)


def execute(plan: Plan, declarations: Mapping[str, Declaration], store: Store, opts: ApplyOptions, *,
            early: Callable[[Declaration], Verdict | None] = lambda decl: None) -> ApplyReport:
    """Apply the actionable changes of ``plan``; ``declarations`` must hold decrypted copies of them.

    ``early`` gives the verdict of a test already run on that very declaration (apply/early.py), if any.
    The report lists the items in the order they were taken up (agents, connections, deletes; each in the
    plan's order), whatever order they finished in. What ``opts.target.prepare`` raises (e.g. a rejected
    API token) propagates before anything is applied.
    """
    snapshot = store.snapshot()  # what the plan was made from, under the same lease: the target's last outputs
    run = _Run(plan, declarations, store, opts, snapshot.records, early=early)
    todo = [c for c in plan.changes if c.actionable]
    opts.target.prepare(RunContext(plan.workspace, snapshot.lineage, declarations, snapshot.records))
    opts.on_start(len(todo))
    checkpoint("started", resume=opts.stop)
    upserts = [c for c in todo if c.action in (Action.CREATE, Action.UPDATE)]
    for change in (c for c in upserts if c.kind == "Agent"):
        if opts.stop.is_set():
            run.skip(change, "interrupted before it started")
        else:
            run.finish([(change, run.ready(change, AGENT_UNTESTED))])
    run.run_connections([c for c in upserts if c.kind != "Agent"])
    deletes = sorted((c for c in todo if c.action is Action.DELETE), key=lambda c: (c.kind == "Agent", c.address))
    for change in deletes:
        run.delete(change)
    taken = [c.address for c in upserts if c.kind == "Agent"] + [c.address for c in upserts if c.kind != "Agent"]
    order = {address: i for i, address in enumerate(taken + [c.address for c in deletes])}
    run.report.items.sort(key=lambda item: order.get(item.address, len(order)))
    run.report.interrupted = opts.stop.is_set()
    checkpoint("finished", resume=opts.stop)
    return run.report
