"""A second application is a package and one registry line: nothing else learns about it, yet it is
validated, its secret field is a secret everywhere, and init's .sops.yaml encrypts it."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from provisioner.applications import registry
from provisioner.declarations.checks import check_declarations
from provisioner.declarations.loader import load_text, validate_paths
from provisioner.declarations.models import Connection, secret_paths
from provisioner.declarations.schemas import schema
from provisioner.plan.normalise import public_spec
from provisioner.probe import Outcome, SessionPool, probe, target_from_connection
from provisioner.render.diagnostics import redact_secrets
from provisioner.secrets.sops import Sops
from provisioner.secrets.sops_config import sops_config_text
from provisioner.secrets.sops_coverage import check_sops_coverage
from tests.support.acme import ACME, PING_PATH
from tests.support.sops import isolated_env, make_age_key
from tests.unit.declarations.samples import ENC, connection, dump

API_KEY = "acme-canary-9c1f"  # a stand-in plaintext key


@pytest.fixture(autouse=True)
def acme(monkeypatch):
    monkeypatch.setitem(registry.APPLICATIONS, "acme", ACME)  # the registry line


def _doc(api_key: str = ENC, base_uri: str = "https://api.acme.example") -> dict:
    return {
        "apiVersion": "provisioner/v1", "kind": "Connection", "metadata": {"name": "acme-prod"},
        "spec": {"application": "acme", "displayName": "Acme",
                 "auth": {"type": "bearer", "baseUri": base_uri, "apiKey": api_key}},
    }


def test_it_validates_with_its_own_model_schema_and_checks():
    loaded = load_text(dump(_doc(base_uri="http://api.acme.example")), Path("acme.yaml"))
    assert loaded.ok, [d.to_dict() for d in loaded.diagnostics]
    (declaration,) = loaded.declarations
    assert type(declaration.resource.spec).__name__ == "AcmeSpec"
    assert schema("connection")["$defs"]["spec"]["properties"]["application"]["enum"] == ["magento2", "acme"]
    check_declarations(loaded.declarations, loaded.diagnostics)
    assert [d.code for d in loaded.diagnostics] == ["check.acme-https"]


def test_its_rules_are_its_own():
    doc = _doc()
    doc["spec"]["auth"]["signatureMethod"] = "HMAC-SHA256"  # a Magento field means nothing to Acme
    found = load_text(dump(doc), Path("acme.yaml")).diagnostics
    assert [(d.code, d.message) for d in found] == [
        ("schema.unknown-field", "unknown field `spec.auth.signatureMethod`"),
    ]
    both = load_text(dump(connection(), _doc()), Path("two.yaml"))
    assert both.ok and [d.resource.spec.application for d in both.declarations] == ["magento2", "acme"]


def test_its_secret_field_is_a_secret_everywhere():
    plaintext = load_text(dump(_doc(api_key=API_KEY)), Path("acme.yaml")).diagnostics
    assert [d.code for d in plaintext] == ["schema.plaintext-secret"]
    assert all(API_KEY not in d.message for d in plaintext)

    resource = Connection.model_validate(_doc(api_key=API_KEY))
    assert list(secret_paths(resource)) == ["spec.auth.apiKey"]
    assert API_KEY not in repr(resource)
    assert "apiKey" not in json.dumps(public_spec(resource))  # never in a plan or the state's public spec
    assert redact_secrets(f"    apiKey: {API_KEY}") == "    apiKey: ***"  # never in an excerpt


def test_inits_sops_yaml_encrypts_it_and_validate_flags_an_old_one(tmp_path, monkeypatch):
    key = make_age_key(tmp_path / "keys")
    config = tmp_path / ".sops.yaml"
    config.write_text(sops_config_text([key.recipient]))
    encrypted = Sops(environ=isolated_env(tmp_path / "home")).encrypt(
        dump(_doc(api_key=API_KEY)), filename=tmp_path / "acme.yaml", config=config, cwd=tmp_path,
    )
    assert API_KEY not in encrypted and "apiKey: ENC[AES256_GCM," in encrypted
    assert "displayName: Acme" in encrypted  # everything else stays readable in review

    (tmp_path / "connections").mkdir()
    (tmp_path / "connections" / "acme.yaml").write_text(encrypted)
    config.write_text(
        "creation_rules:\n  - path_regex: '\\.yaml$'\n"
        "    encrypted_regex: '^(consumerSecret|accessToken|tokenSecret|consumerPrivateKey)$'\n"
        f"    age: {key.recipient}\n"
    )
    monkeypatch.chdir(tmp_path)
    loaded = validate_paths([Path("connections")])
    assert loaded.ok
    (d,) = check_sops_coverage(loaded.declarations, root=tmp_path)
    assert d.code == "sops.secret-not-encrypted" and "`apiKey`" in d.message and "apiKey" in (d.hint or "")


class _Acme(BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == PING_PATH and self.headers.get("Authorization") == f"Bearer {API_KEY}"
        body = b'{"pong": true}' if ok else b'{"error": "bad key"}'
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        return None


def test_the_probe_asks_the_application_where_to_go_and_how_to_read_the_answer():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Acme)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with SessionPool() as pool:
            good = probe(target_from_connection(Connection.model_validate(_doc(API_KEY, base))), pool)
            bad = probe(target_from_connection(Connection.model_validate(_doc("wrong-key-123", base))), pool)
    finally:
        server.shutdown()
        server.server_close()
    assert (good.outcome, good.url) == (Outcome.OK, base + PING_PATH)
    assert (bad.outcome, bad.hint) == (Outcome.UNAUTHORIZED, "Acme refused the API key: create a new one")


def test_an_unknown_application_is_a_clear_error():
    with pytest.raises(registry.UnknownApplicationError, match="unknown application 'shopify'; registered: "):
        registry.application_for("shopify")
