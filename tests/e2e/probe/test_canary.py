"""Canary secrets never show up: not in results, rendered output, JSON, our logs (at DEBUG, every
library included) nor the sandbox's own log, across every kind of outcome."""

from __future__ import annotations

import io
import json
import logging
from urllib.parse import quote

from provisioner.commands.probe import run_probes
from provisioner.render.probe import print_report
from tests.e2e.probe.test_cli import start_sandbox, stop, write_integrations
from tests.support.magento import Creds, bearer_connection, connection, token

CANARY = "CANARY"


def forms(secret):
    return {secret, quote(secret, safe=""), quote(secret, safe="~")}


def test_no_secret_anywhere(tmp_path, capsys):
    creds = Creds.fresh(prefix=CANARY)
    wrong = Creds(creds.consumer_key, token(CANARY), token(CANARY), token(CANARY), creds.keys)
    secrets = [creds.consumer_secret, creds.access_token, creds.token_secret,
               wrong.consumer_secret, wrong.access_token, wrong.token_secret,
               creds.keys.private_pem.splitlines()[5]]
    assert all(s.startswith(CANARY) for s in secrets[:6])

    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    process, info = start_sandbox("--integrations", str(write_integrations(tmp_path / "i.yaml", creds, True)),
                                  "--magento", "any")
    try:
        base = info["base-uri"]
        methods = ["HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256", "RSA-SHA512", "PLAINTEXT"]
        conns = [connection(f"ok-{m.lower()}", base, creds, m) for m in methods]
        conns += [connection(f"wrong-{m.lower()}", base, wrong, m) for m in methods if not m.startswith("RSA")]
        conns.append(connection("lost", base.removesuffix("/rest"), creds))
        conns += [bearer_connection("bearer-ok", base, creds.access_token),
                  bearer_connection("bearer-wrong", base, wrong.access_token)]
        report = run_probes(conns, parallelism=4)
        print_report(report, "human")
        print_report(report, "json")
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        code, sandbox_out, sandbox_err = stop(process)
    out, err = capsys.readouterr()
    outcomes = {r.name: r.outcome.value for r in report.results}
    assert outcomes["ok-hmac-sha256"] == "ok" and outcomes["wrong-plaintext"] == "unauthorized"
    assert code == 0
    assert "consumer=" in sandbox_err
    assert outcomes["bearer-ok"] == "ok" and outcomes["bearer-wrong"] == "unauthorized"
    assert "Starting new HTTP connection" in log.getvalue()  # DEBUG records of the libraries were captured
    haystacks = {"stdout": out, "stderr": err, "log": log.getvalue(), "sandbox-out": sandbox_out,
                 "sandbox-err": sandbox_err, "results": json.dumps([r.to_dict() for r in report.results]),
                 "repr": repr(report)}
    for where, text in haystacks.items():
        for secret in secrets:
            for form in forms(secret):
                assert form not in text, f"a secret leaked into {where}"
