from __future__ import annotations

import pytest

from provisioner.plan.differ import DELETE_BLOCKED, diff
from provisioner.plan.model import Action
from tests.unit.plan.builders import (
    CountingDecryptor,
    connection_doc,
    declaration,
    fingerprint,
    record_for,
    snapshot,
)


def run(decls, snap, **kw):
    dec = CountingDecryptor()
    result = diff(decls, snap, fingerprint=fingerprint, decrypt=dec, **kw)
    assert not result.diagnostics.has_errors
    return result, dec


def test_new_connection_is_a_create_with_all_fields_and_secret_names_only():
    d = declaration(connection_doc("shop"))
    result, dec = run([d], snapshot())
    (change,) = result.plan.changes
    assert change.action is Action.CREATE
    assert change.reason == "not in state"
    paths = {f.path for f in change.fields}
    assert "spec.auth.baseUri" in paths and "spec.advanced.pingPath" in paths
    assert change.sensitive_changed == (
        "spec.auth.accessToken", "spec.auth.consumerSecret", "spec.auth.tokenSecret")
    assert dec.decrypted == ["connection.shop"]
    assert "cs-shop" not in repr(result.plan)


def test_rerun_after_apply_is_noop_without_decrypting():
    d = declaration(connection_doc("shop"))
    result, dec = run([d], snapshot(record_for(d)))
    (change,) = result.plan.changes
    assert change.action is Action.NOOP and change.reason == "up to date"
    assert not result.plan.has_changes
    assert dec.calls == []


@pytest.mark.parametrize(
    ("edit", "path", "before", "after"),
    [
        ({"baseUri": "https://other.example.com/rest"}, "spec.auth.baseUri",
         "https://shop.example.com/rest", "https://other.example.com/rest"),
        ({"signatureMethod": "HMAC-SHA512"}, "spec.auth.signatureMethod", "HMAC-SHA256", "HMAC-SHA512"),
        ({"consumerKey": "k" * 32}, "spec.auth.consumerKey", "ck" * 16, "k" * 32),
        ({"realm": "shop"}, "spec.auth.realm", None, "shop"),
    ],
)
def test_auth_field_edit_is_an_update_naming_old_and_new(edit, path, before, after):
    old = declaration(connection_doc("shop"))
    new = declaration(connection_doc("shop", **edit))
    result, dec = run([new], snapshot(record_for(old)))
    (change,) = result.plan.changes
    assert change.action is Action.UPDATE
    assert [(f.path, f.before, f.after) for f in change.fields] == [(path, before, after)]
    assert change.sensitive_changed == ()
    assert dec.calls == []  # ciphertexts unchanged: nothing decrypted


@pytest.mark.parametrize(
    ("spec_edit", "path"),
    [
        ({"displayName": "Shop"}, "spec.displayName"),
        ({"advanced": {"timeoutSeconds": 60}}, "spec.advanced.timeoutSeconds"),
        ({"advanced": {"verifyTls": False}}, "spec.advanced.verifyTls"),
        ({"advanced": {"pingPath": "/V1/modules"}}, "spec.advanced.pingPath"),
        ({"advanced": {"caBundle": "ca.pem"}}, "spec.advanced.caBundle"),
    ],
)
def test_spec_field_edit_is_an_update(spec_edit, path):
    old = declaration(connection_doc("shop"))
    doc = connection_doc("shop")
    doc["spec"].update(spec_edit)
    result, _ = run([declaration(doc)], snapshot(record_for(old)))
    (change,) = result.plan.changes
    assert change.action is Action.UPDATE
    assert [f.path for f in change.fields] == [path]


def test_label_added_is_an_update():
    old = declaration(connection_doc("shop"))
    doc = connection_doc("shop")
    doc["metadata"]["labels"] = {"env": "prod"}
    result, _ = run([declaration(doc)], snapshot(record_for(old)))
    (change,) = result.plan.changes
    assert [(f.path, f.before, f.after) for f in change.fields] == [("metadata.labels.env", None, "prod")]


def test_secret_rotation_is_sensitive_change_without_value():
    old = declaration(connection_doc("shop"))
    new = declaration(connection_doc("shop", accessToken="rotated-token"), ciphertext_tag="v2")
    result, dec = run([new], snapshot(record_for(old)))
    (change,) = result.plan.changes
    assert change.action is Action.UPDATE
    assert change.fields == ()
    assert change.sensitive_changed == ("spec.auth.accessToken",)
    assert change.reason == "1 secret changed"
    assert dec.decrypted == ["connection.shop"]
    assert "rotated-token" not in repr(change)


def test_reencrypted_same_value_is_an_update_that_records_the_new_ciphertexts():
    # Left a no-op, the state would keep the old ciphertext digests and every plan would decrypt it again.
    old = declaration(connection_doc("shop"))
    new = declaration(connection_doc("shop"), ciphertext_tag="v2")  # sops re-encrypted, same values
    result, dec = run([new], snapshot(record_for(old)))
    (change,) = result.plan.changes
    assert change.action is Action.UPDATE
    assert change.fields == () and change.sensitive_changed == ()
    assert change.reason == "secrets re-encrypted, values unchanged"
    assert dec.decrypted == ["connection.shop"]
    applied = record_for(new, serial=2)
    again, dec = run([new], snapshot(applied, serial=2))
    assert again.plan.changes[0].action is Action.NOOP and dec.decrypted == []


def test_switch_to_rsa_removes_and_adds_secret_fields():
    old = declaration(connection_doc("shop"))
    doc = connection_doc("shop", signatureMethod="RSA-SHA256", consumerPrivateKey="-----BEGIN...")
    del doc["spec"]["auth"]["consumerSecret"], doc["spec"]["auth"]["tokenSecret"]
    result, _ = run([declaration(doc)], snapshot(record_for(old)))
    (change,) = result.plan.changes
    assert change.sensitive_changed == (
        "spec.auth.consumerPrivateKey", "spec.auth.consumerSecret", "spec.auth.tokenSecret")


@pytest.mark.parametrize(
    ("auth_edit", "spec_edit"),
    [
        ({"baseUri": "https://shop.example.com/rest/"}, {}),
        ({"baseUri": "https://shop.example.com/rest///"}, {}),
        ({"realm": ""}, {}),
        ({}, {"advanced": {"timeoutSeconds": 30.0}}),
        ({}, {"advanced": {"pingPath": "/V1/store/storeConfigs", "verifyTls": True, "caBundle": None}}),
        ({}, {"displayName": ""}),
        ({}, {"mode": "cloud"}),
    ],
)
def test_equivalent_declarations_are_not_changes(auth_edit, spec_edit):
    old = declaration(connection_doc("shop"))
    doc = connection_doc("shop", **auth_edit)
    doc["spec"].update(spec_edit)
    result, _ = run([declaration(doc)], snapshot(record_for(old)))
    assert result.plan.changes[0].action is Action.NOOP, result.plan.changes[0].fields


def test_key_order_does_not_matter():
    old = declaration(connection_doc("shop"))
    doc = connection_doc("shop")
    doc["spec"]["auth"] = dict(reversed(list(doc["spec"]["auth"].items())))
    doc["spec"] = dict(reversed(list(doc["spec"].items())))
    result, _ = run([declaration(doc)], snapshot(record_for(old)))
    assert result.plan.changes[0].action is Action.NOOP


def test_removed_declaration_is_a_blocked_delete_without_allow_delete():
    gone = declaration(connection_doc("old"))
    result, _ = run([], snapshot(record_for(gone)))
    (change,) = result.plan.changes
    assert change.action is Action.DELETE and change.blocked == DELETE_BLOCKED
    assert not result.plan.has_changes
    assert result.plan.summary.blocked == 1


def test_removed_declaration_is_a_delete_with_allow_delete():
    gone = declaration(connection_doc("old"))
    result, _ = run([], snapshot(record_for(gone)), allow_delete=True)
    (change,) = result.plan.changes
    assert change.action is Action.DELETE and change.blocked is None
    assert result.plan.has_changes
    assert change.sensitive_changed == (
        "spec.auth.accessToken", "spec.auth.consumerSecret", "spec.auth.tokenSecret")


def test_targets_limit_the_plan_and_what_is_decrypted():
    a, b = declaration(connection_doc("a"), file="a.yaml"), declaration(connection_doc("b"), file="b.yaml")
    gone = declaration(connection_doc("gone"))
    result, dec = run([a, b], snapshot(record_for(gone)), targets=["b"])
    assert [c.address for c in result.plan.changes] == ["connection.b"]
    assert dec.decrypted == ["connection.b"]
    assert result.plan.targets == ("b",)


def test_only_changed_declarations_are_decrypted_among_many():
    decls = [declaration(connection_doc(f"c{i:02d}"), file=f"c{i:02d}.yaml") for i in range(50)]
    snap = snapshot(*(record_for(d) for d in decls))
    edited = [declaration(connection_doc("c07", accessToken="new"), file="c07.yaml", ciphertext_tag="v2"),
              declaration(connection_doc("c31", tokenSecret="new"), file="c31.yaml", ciphertext_tag="v2")]
    current = [d for d in decls if d.name not in {"c07", "c31"}] + edited
    result, dec = run(current, snap)
    assert sorted(dec.decrypted) == ["connection.c07", "connection.c31"]
    assert sorted(result.decrypted_files) == ["c07.yaml", "c31.yaml"]
    assert [c.address for c in result.plan.changes if c.actionable] == ["connection.c07", "connection.c31"]


def test_desired_digest_is_stable_and_moves_with_content():
    d = declaration(connection_doc("shop"))
    first, _ = run([d], snapshot())
    again, _ = run([d], snapshot())
    other, _ = run([declaration(connection_doc("shop", accessToken="x"))], snapshot())
    assert first.plan.changes[0].desired_digest == again.plan.changes[0].desired_digest
    assert first.plan.changes[0].desired_digest != other.plan.changes[0].desired_digest


def test_decryption_errors_stop_the_plan():
    from provisioner.diagnostics import Diagnostics

    def failing(decls):
        diags = Diagnostics()
        diags.error("sops.no-key", "cannot decrypt")
        return [], diags

    result = diff([declaration(connection_doc("shop"))], snapshot(), fingerprint=fingerprint, decrypt=failing)
    assert result.diagnostics.has_errors
    assert result.plan.changes == ()
