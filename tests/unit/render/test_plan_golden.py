"""Golden tests: the human and markdown renderings of a hand-built plan.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/unit/render`` and
review the diff of the golden files like any other code change.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from provisioner.plan.model import Action, Change, FieldChange, Plan
from provisioner.render.plan import markdown_text, render_human

GOLDEN = Path(__file__).parent / "golden"

PLAN = Plan(
    workspace="prod",
    lineage="3f2a9c1e-0000-4000-8000-000000000000",
    serial=12,
    created_at="2026-11-29T10:00:00+00:00",
    changes=(
        Change(
            address="connection.magento-eu", kind="Connection", name="magento-eu", action=Action.CREATE,
            reason="not in state", file="connections/eu.yaml",
            fields=(
                FieldChange("spec.auth.baseUri", None, "https://eu.example.com/rest"),
                FieldChange("spec.auth.signatureMethod", None, "HMAC-SHA256"),
                FieldChange("spec.mode", None, "cloud"),
            ),
            sensitive_changed=("spec.auth.accessToken", "spec.auth.consumerSecret"),
            desired_digest="a" * 64,
        ),
        Change(
            address="connection.magento-us", kind="Connection", name="magento-us", action=Action.UPDATE,
            reason="1 field changed, 1 secret changed", file="connections/us.yaml",
            fields=(FieldChange("spec.advanced.timeoutSeconds", 30, 60),),
            sensitive_changed=("spec.auth.tokenSecret",), desired_digest="b" * 64,
        ),
        Change(address="connection.quiet", kind="Connection", name="quiet", action=Action.NOOP,
               reason="up to date", file="connections/quiet.yaml", desired_digest="c" * 64),
        Change(
            address="connection.retired", kind="Connection", name="retired", action=Action.DELETE,
            reason="no longer declared", fields=(FieldChange("spec.auth.baseUri", "https://old/rest", None),),
            sensitive_changed=("spec.auth.accessToken",),
            blocked="not applied: this plan was made without --allow-delete",
        ),
    ),
)


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.exists(), f"golden file {path} missing: run with UPDATE_GOLDEN=1"
    assert text == path.read_text()


def test_human_rendering_matches_golden():
    buf = io.StringIO()
    render_human(PLAN, Console(file=buf, no_color=True, width=120, force_terminal=False, highlight=False))
    _check("plan_human.txt", buf.getvalue())


def test_markdown_rendering_matches_golden():
    _check("plan_markdown.md", markdown_text(PLAN))


@pytest.mark.parametrize("render", ["human", "markdown"])
def test_no_changes_says_so(render):
    empty = Plan(workspace="w", lineage="l" * 8, serial=1, changes=(PLAN.changes[2],))
    if render == "human":
        buf = io.StringIO()
        render_human(empty, Console(file=buf, no_color=True, width=120))
        text = buf.getvalue()
    else:
        text = markdown_text(empty)
    assert "No changes. 1 up to date." in text
