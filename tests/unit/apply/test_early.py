"""apply/early.py: which decrypted declarations may be tested before the plan is whole, and with what verdict."""

from __future__ import annotations

import threading
from dataclasses import replace

from provisioner.apply.early import EarlyTests, reviewed
from provisioner.apply.results import Verdict
from provisioner.declarations.models import secret_paths
from provisioner.plan.model import Action, Change, Plan
from provisioner.plan.normalise import desired_digest, public_spec
from tests.support.sops import connection_yaml, load_declarations


def _fingerprint(address: str, path: str, value: str) -> str:
    return f"{address}/{path}/{len(value)}/{value[:1]}"  # a stand-in keyed fingerprint (never printed)


def _decl(tmp_path, name: str, **values: str):
    path = tmp_path / f"{name}.yaml"
    path.write_text(connection_yaml(name, **values), encoding="utf-8")
    return replace(load_declarations(path)[0], decrypted=True)


def _plan_of(*decls, action: Action = Action.CREATE) -> Plan:
    changes = []
    for d in decls:
        prints = {p: _fingerprint(d.address, p, v.get_secret_value()) for p, v in secret_paths(d.resource).items()}
        after = public_spec(d.resource)
        changes.append(Change(address=d.address, kind=d.kind, name=d.name, action=action, reason="not in state",
                              before=None, after=after, desired_digest=desired_digest(after, prints)))
    return Plan(workspace="default", lineage="", serial=0, changes=tuple(changes))


def test_with_a_plan_file_only_what_was_reviewed_is_tested_early(tmp_path):
    shop = _decl(tmp_path, "shop")
    admit = reviewed(_plan_of(shop), _fingerprint)
    assert admit(shop)
    assert not admit(_decl(tmp_path, "shop", access_token="z" * 32))  # a secret changed since the review
    assert not admit(_decl(tmp_path, "other"))  # not in the reviewed plan
    assert not reviewed(_plan_of(shop, action=Action.NOOP), _fingerprint)(shop)


def test_a_verdict_is_given_for_the_very_declaration_tested_and_stop_starts_nothing(tmp_path):
    calls: list[str] = []

    def prober(decl, agents):
        calls.append(decl.name)
        return Verdict(ok=True, outcome="ok")

    stop = threading.Event()
    early = EarlyTests(prober, parallelism=2, stop=stop)
    shop, again = _decl(tmp_path, "shop"), _decl(tmp_path, "shop")
    early.offer(shop)
    assert early.verdict_for(shop) == Verdict(ok=True, outcome="ok")
    assert early.verdict_for(again) is None  # another copy (e.g. decrypted again): the executor tests it
    stop.set()
    late = _decl(tmp_path, "late")
    early.offer(late)
    early.close()
    assert early.verdict_for(late) is None
    assert calls == ["shop"]
