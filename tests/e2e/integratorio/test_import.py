"""``import --from-target``: a connection made in integrator.io becomes a declaration with placeholder secrets, which
``validate --decrypt`` refuses until they are set; the first apply then adopts the remote connection (no duplicate)."""

from __future__ import annotations

from tests.e2e.integratorio.conftest import World
from tests.support.project import connection_text, summary


def test_import_from_target_then_fill_the_secrets_and_adopt(world: World):
    project, account = world.project, world.account
    remote_id = "a" * 24
    account.connections[remote_id] = {
        "_id": remote_id, "name": "Shop EU", "type": "http", "assistant": "magento", "lastModified": "x",
        "http": {"baseURI": world.sandbox.base_uri, "mediaType": "json",
                 "ping": {"relativeURI": "/V1/store/storeConfigs", "method": "GET"},
                 "auth": {"type": "oauth1", "oauth": {"oauth1": {
                     "signatureMethod": "hmac-sha256", "consumerKey": world.creds.consumer_key,
                     "consumerSecret": world.creds.consumer_secret, "accessToken": world.creds.access_token,
                     "tokenSecret": world.creds.token_secret}}}}}
    account.connections["b" * 24] = {"_id": "b" * 24, "name": "Not Magento", "type": "http", "http": {}}

    imported = project.cli("import", "--from-target")
    assert imported.returncode == 0, summary(imported)
    path = project.path("shop-eu")
    assert path.is_file() and not project.path("not-magento").exists()
    text = path.read_text(encoding="utf-8")
    assert f"integratorio/id: {remote_id}" in text and "consumerKey: " + world.creds.consumer_key in text
    assert "ENC[" in text
    checked = project.cli("validate", "--decrypt")
    assert checked.returncode != 0 and "spec.auth.consumerSecret: set this secret" in checked.stdout + checked.stderr, \
        summary(checked)

    filled = connection_text("shop-eu", world.sandbox.base_uri, world.creds, display_name="Shop EU")
    filled = filled.replace("  name: shop-eu\n", f"  name: shop-eu\n  labels:\n    integratorio/id: '{remote_id}'\n")
    project.encrypt("shop-eu", filled)
    applied = project.cli("apply", "--auto-approve")
    assert applied.returncode == 0, summary(applied)
    assert [r.path for r in account.requests("PUT")] == [f"/v1/connections/{remote_id}"]
    assert not [r for r in account.requests("POST") if r.path == "/v1/connections"]
    assert project.records()["connection.shop-eu"].target_outputs["remote_id"] == remote_id
    project.assert_no_secret(imported.stdout, imported.stderr, checked.stdout, checked.stderr, applied.stdout)
