"""No secret value in any output of ``drift`` (every format) or of the state views that show its results.

The credentials are CANARY values; the project holds every status drift can find on the local target
(failing by a revoked token, unapplied by a field and by a rotated secret, orphaned) and a failed run's error document.
"""

from __future__ import annotations

import dataclasses
import json

from provisioner.sandbox import MagentoVersion, SandboxConfig, running_sandbox
from tests.e2e.drift.test_drift_statuses import applied
from tests.support.magento import Creds, token
from tests.support.project import summary

FORMATS = ("human", "json", "markdown", "github")


def test_no_secret_in_any_drift_output(project):
    shop, other = Creds.fresh("CANARY"), Creds.fresh("CANARY")
    config = SandboxConfig((shop.integration("erp"), other.integration("pim")), magento=MagentoVersion.ANY)
    texts: list[str] = []
    with running_sandbox(config) as sb:
        base_uri = sb.base_uri
        applied(project, base_uri, ("shop", shop), ("other", other), ("gone", other), ("edited", other))
        project.delete("gone")
        project.edit("edited", "timeoutSeconds: 30", "timeoutSeconds: 31")
        project.write_connection("other", base_uri, dataclasses.replace(other, token_secret=token("CANARY")))
        sb.revoke_token("erp")  # failing: Magento's 401 for a revoked token, its hint
        for fmt in FORMATS:
            done = project.cli("drift", "--format", fmt)
            assert done.returncode == 2, summary(done)
            texts += [done.stdout, done.stderr]
        document = json.loads(texts[2])
        assert {i["status"] for i in document["items"]} == {"failing", "unapplied", "orphaned"}
        assert any(i["status"] == "unapplied" and i["secrets_changed"] for i in document["items"])
        for fmt in ("human", "json"):
            for args in (("state", "list"), ("state", "show", "shop"), ("state", "history", "--drift")):
                done = project.cli(*args, "--format", fmt)
                assert done.returncode == 0, summary(done)
                texts += [done.stdout, done.stderr]
        error = project.cli("drift", "no-such-connection", "--format", "json")
        assert error.returncode == 1 and json.loads(error.stdout)["error"]["code"] == "unknown-target"
        texts += [error.stdout, error.stderr]
    markdown, github = texts[4], texts[6]
    assert "| failing | `connection.shop` |" in markdown and "Access token has been revoked" in markdown
    assert "::error file=connections/shop.yaml,line=4,col=5,title=drift%3A failing connection.shop::" in github
    project.assert_no_secret(*texts)
    with project.store() as store:
        project.assert_no_secret(repr(store.drift_runs()), repr(store.last_drift()))
