"""Equivalent declarations are not changes: edits a reviewer would call cosmetic plan nothing."""

from __future__ import annotations

from tests.support.magento import Creds
from tests.support.project import Project, summary

BASE_URI = "https://shop.example.com/rest"


def test_equivalent_plain_edits_plan_no_changes_and_decrypt_nothing(tmp_path):
    project = Project.create(tmp_path)
    project.write_connection("shop", BASE_URI, Creds.fresh("CANARY"))
    assert project.cli("apply", "--auto-approve", "--skip-test").returncode == 0
    project.spy_sops()

    project.edit("shop", f"baseUri: {BASE_URI}", f"baseUri: {BASE_URI}/")  # trailing slash
    slash = project.cli("plan", "--detailed-exitcode")
    assert slash.returncode == 0, summary(slash)
    assert "No changes. 1 up to date." in slash.stdout

    project.edit("shop", "timeoutSeconds: 30", "timeoutSeconds: 30.0\n        verifyTls: true\n"
                 "        pingPath: /V1/store/storeConfigs")  # 30.0 is 30; the defaults written out
    project.edit("shop", "signatureMethod: HMAC-SHA256", "signatureMethod: HMAC-SHA256\n        realm: ''")
    defaults = project.cli("plan", "--detailed-exitcode")
    assert defaults.returncode == 0, summary(defaults)
    assert project.sops_calls() == []

    project.edit("shop", "timeoutSeconds: 30.0", "timeoutSeconds: 31")  # and a real edit still shows
    real = project.cli("plan", "--detailed-exitcode")
    assert real.returncode == 2, summary(real)
    assert "~ spec.advanced.timeoutSeconds: 30 -> 31" in real.stdout
    assert "baseUri" not in real.stdout and "realm" not in real.stdout
