"""Testing connections while the other files are still being decrypted (issue 16: decryption pipelined with tests).

``EarlyTests.offer`` receives each declaration as soon as its file is decrypted (the plan's decryptor calls
it) and starts its connection test on a bounded pool at once, instead of after every file is decrypted.
Only tests start early; nothing is committed before the executor runs, after the whole plan is made
(and, with a plan file, proven fresh and equal to what was reviewed). ``admit`` decides what may be
tested before that: with a plan file, only a declaration whose desired digest (its public spec and its
secrets' fingerprints) is the reviewed one, so a test never goes to an endpoint, or with credentials,
that nobody reviewed. An on-premise connection waits for its agent to be admitted; one whose agent never
is (unchanged, so not decrypted) is simply tested by the executor as before. The executor takes the early
verdict for exactly the declaration object that was tested (``verdict_for``), else tests it itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor

from provisioner.apply.results import Verdict
from provisioner.declarations.declaration import Declaration
from provisioner.declarations.models import Connection, secret_paths
from provisioner.errors import ProvisionerError
from provisioner.plan.model import Action, Plan
from provisioner.plan.normalise import desired_digest, public_spec

Prober = Callable[[Declaration, Mapping[str, Declaration]], Verdict]  # as executor.Prober
Fingerprinter = Callable[[str, str, str], str]


def tested(prober: Prober, decl: Declaration, agents: Mapping[str, Declaration]) -> Verdict:
    """``prober``'s verdict; a connection that cannot be tested as declared fails alone (a verdict, not a raise)."""
    try:
        return prober(decl, agents)
    except ProvisionerError as exc:
        return Verdict(ok=False, outcome=exc.code, message=exc.message, hint=exc.hint)


def reviewed(saved: Plan, fingerprint: Fingerprinter) -> Callable[[Declaration], bool]:
    """Admits a decrypted declaration only when it is exactly what ``saved`` (the reviewed plan) creates or updates."""
    planned = {c.address: c.desired_digest for c in saved.changes
               if c.actionable and c.action in (Action.CREATE, Action.UPDATE)}

    def admit(decl: Declaration) -> bool:
        want = planned.get(decl.address)
        if want is None:
            return False
        prints = {p: fingerprint(decl.address, p, v.get_secret_value()) for p, v in secret_paths(decl.resource).items()}
        return desired_digest(public_spec(decl.resource), prints) == want

    return admit


class EarlyTests:
    def __init__(self, prober: Prober, *, parallelism: int, stop: threading.Event,
                 admit: Callable[[Declaration], bool] = lambda decl: True) -> None:
        self._prober, self._stop, self._admit = prober, stop, admit
        self._pool = ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="early-test")
        self._agents: dict[str, Declaration] = {}
        self._waiting: dict[str, list[Declaration]] = {}  # agent name -> connections decrypted before it
        self._started: dict[str, tuple[Declaration, Future[Verdict]]] = {}

    def offer(self, decl: Declaration) -> None:
        """A declaration just decrypted (on the decrypting thread): start its test if it may be tested now."""
        if self._stop.is_set() or not self._admit(decl):
            return
        if decl.kind == "Agent":
            self._agents[decl.name] = decl
            for waiting in self._waiting.pop(decl.name, []):
                self._start(waiting)
            return
        resource = decl.resource
        if not isinstance(resource, Connection):
            return
        if resource.spec.agent is None or resource.spec.agent in self._agents:
            self._start(decl)
        else:
            self._waiting.setdefault(resource.spec.agent, []).append(decl)

    def _start(self, decl: Declaration) -> None:
        agents = dict(self._agents)
        self._started[decl.address] = (decl, self._pool.submit(tested, self._prober, decl, agents))

    def verdict_for(self, decl: Declaration) -> Verdict | None:
        """The early test's verdict for this very declaration (waiting for it if still running), else None."""
        entry = self._started.get(decl.address)
        if entry is None or entry[0] is not decl:
            return None
        try:
            return entry[1].result()
        except CancelledError:
            return None

    def close(self) -> None:
        """Cancel the tests not started yet; wait for those in flight."""
        self._pool.shutdown(wait=True, cancel_futures=True)
