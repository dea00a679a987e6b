"""The CI integrations' pieces: markers, workflow commands, outputs, the event context, pagination, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provisioner.integrations.command import Counts, child_env
from provisioner.integrations.github.api import GitHubApi
from provisioner.integrations.github.context import ActionInputs, GitHubContext
from provisioner.integrations.github.pull_request import plan_comment_body, upsert_plan_comment
from provisioner.integrations.github.workflow import annotation, set_outputs
from provisioner.integrations.gitlab.plan_job import terraform_report
from provisioner.integrations.http import ApiError
from provisioner.integrations.sticky import body, find_marked, fit, marker, project_key
from provisioner.integrations.summary import cell
from tests.e2e.integrations.action_runner import read_file_commands
from tests.support.github_api import GitHubApi as GitHubStandIn


@pytest.mark.parametrize(("directory", "workspace", "key"), [
    (".", "default", "default"), ("./", "default", "default"), ("", "prod", "prod"),
    ("projects/shop/", "default", "projects/shop:default"), ("./a/../b", "w", "b:w"),
])
def test_project_key(directory: str, workspace: str, key: str) -> None:
    assert project_key(directory, workspace) == key


def test_marker_is_an_html_comment_with_a_safe_key() -> None:
    assert marker("plan", "default") == "<!-- provisioner-plan:default -->"
    assert marker("plan", "a b-->c") == "<!-- provisioner-plan:a-b---c -->"
    assert "-->" not in marker("plan", "-->")[:-3]


def test_find_marked_needs_the_marker_first() -> None:
    ours = {"id": 2, "body": marker("plan", "default") + "\nplan"}
    quoted = {"id": 1, "body": "> " + marker("plan", "default")}
    other_key = {"id": 3, "body": marker("plan", "prod") + "\nplan"}
    assert find_marked([quoted, other_key, ours], "plan", "default") == ours
    assert find_marked([quoted, other_key], "plan", "default") is None


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"level": "error", "message": "bad"}, "::error::bad"),
    ({"level": "warning", "message": "a\nb 100%", "file": "c,d:e.yaml", "line": 3, "col": 5, "title": "t:1"},
     "::warning file=c%2Cd%3Ae.yaml,line=3,col=5,title=t%3A1::a%0Ab 100%25"),
    ({"level": "notice", "message": "m", "line": 3}, "::notice::m"),  # a line without a file means nothing
])
def test_annotation(kwargs: dict[str, object], expected: str) -> None:
    level, message = str(kwargs.pop("level")), str(kwargs.pop("message"))
    assert annotation(level, message, **kwargs) == expected  # type: ignore[arg-type]


def test_outputs_round_trip_through_the_runner_format(tmp_path: Path) -> None:
    out = tmp_path / "output"
    set_outputs(out, {"exit-code": "2", "body": "line 1\nline 2", "empty": ""})
    assert read_file_commands(out) == {"exit-code": "2", "body": "line 1\nline 2", "empty": ""}


def pr_event(head: object, base: str = "acme/shop") -> dict[str, object]:
    return {"pull_request": {"number": 5, "head": {"repo": head, "sha": "abc"}, "base": {"repo": {"full_name": base}}}}


@pytest.mark.parametrize(("event_name", "event", "fork"), [
    ("pull_request", pr_event({"full_name": "acme/shop", "fork": False}), False),
    ("pull_request", pr_event({"full_name": "mallory/shop", "fork": True}), True),
    ("pull_request", pr_event({"full_name": "mallory/shop"}), True),
    ("pull_request", pr_event(None), True),  # the fork was deleted
    ("pull_request_target", pr_event({"full_name": "mallory/shop", "fork": True}), True),
    ("push", pr_event({"full_name": "mallory/shop", "fork": True}), False),  # not a pull request at all
])
def test_fork_detection(event_name: str, event: dict[str, object], fork: bool, tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    ctx = GitHubContext.from_env({"GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(path)})
    assert ctx.is_fork_pull_request is fork
    assert ctx.pull_request_number == (None if event_name == "push" else 5)


def test_inputs_defaults_and_flags() -> None:
    inputs = ActionInputs.from_env({"INPUT_COMMAND": " drift ", "INPUT_DRIFT_ISSUE": "TRUE", "INPUT_COMMENT": "false"})
    assert (inputs.command, inputs.drift_issue, inputs.comment, inputs.plan_file) == ("drift", True, False, "plan.json")
    assert "ghs_secret" not in repr(ActionInputs.from_env({"INPUT_TOKEN": "ghs_secret"}))


def test_child_env_drops_api_tokens() -> None:
    env = child_env({"GITHUB_TOKEN": "t", "INPUT_TOKEN": "t", "PROVISIONER_GITLAB_TOKEN": "t", "CI_JOB_TOKEN": "t",
                     "SOPS_AGE_KEY": "k"})
    assert env == {"SOPS_AGE_KEY": "k", "NO_COLOR": "1"}


def test_pagination_reads_every_page_and_errors_name_no_token() -> None:
    standin = GitHubStandIn("acme/shop", "right-token")
    standin.add_pull_request(1)
    for n in range(250):
        standin.add_comment(1, f"c{n}")
    with standin.running() as url:
        assert [c["body"] for c in GitHubApi(url, "acme/shop", "right-token").comments(1)] == [
            f"c{n}" for n in range(250)]
        with pytest.raises(ApiError) as caught:
            GitHubApi(url, "acme/shop", "wrong-token").comments(1)
    assert str(caught.value) == "GET /repos/acme/shop/issues/1/comments: HTTP 401"
    assert len([c for c in standin.calls if c.headers.get("authorization") == "Bearer right-token"]) == 3


def test_terraform_report_and_cells() -> None:
    assert terraform_report(Counts(1, 2, 3, True)) == {"create": 1, "update": 2, "delete": 3}
    assert Counts.of_plan({"summary": {"create": 1, "update": 0, "delete": 0, "noop": 4}, "has_changes": True}) == \
        Counts(1, 0, 0, True)
    assert cell("a|b`c\n<d>") == "a\\|b'c &lt;d>"


def huge_plan(changes: int) -> str:
    rows = "".join(f"| `+` | `connection.c{n}` | create | new | `connections/c{n}.yaml` |\n" for n in range(changes))
    fences = "".join(f"```diff\n+ connection.c{n}\n+     spec.auth.baseUri: https://x/rest\n```\n\n"
                     for n in range(changes))
    return f"### provisioner plan\n\n{rows}\n<details><summary>Details</summary>\n\n{fences}</details>\n"


@pytest.mark.parametrize("limit", [500, 2000, 65536])
def test_fit_stays_within_the_limit_and_closes_what_it_opened(limit: int) -> None:
    text = fit(huge_plan(3000), limit, "**cut**")
    assert len(text) <= limit and text.endswith("**cut**\n")
    assert text.count("```") % 2 == 0 and text.count("<details>") == text.count("</details>")
    assert fit("short\n", limit, "**cut**") == "short\n"


def test_a_huge_plan_still_fits_in_one_comment() -> None:
    standin = GitHubStandIn("acme/shop", "t")
    standin.add_pull_request(1)
    with standin.running() as url:
        api = GitHubApi(url, "acme/shop", "t")
        done = upsert_plan_comment(api, 1, "default", plan_comment_body("default", huge_plan(3000), sha="a" * 40))
        again = upsert_plan_comment(api, 1, "default", plan_comment_body("default", huge_plan(10), sha="b" * 40))
        with pytest.raises(ApiError, match="HTTP 422"):  # the limit is real: the whole plan would not do
            api.create_comment(1, huge_plan(3000))
    assert (done.action, again.action, again.comment_id) == ("created", "updated", done.comment_id)
    [comment] = standin.comments_on(1)
    assert "connection.c9" in comment["body"] and "too long" not in comment["body"]


@pytest.mark.parametrize("footer", [(), ("", ""), ("commit `abc`", ""), ("commit `abc`", "[pipeline](https://x/9)")])
def test_a_sticky_body_is_marked_fitted_and_footed(footer: tuple[str, ...]) -> None:
    """One body for the GitHub comment and the GitLab note: the marker first, within the limit, the footer last."""
    text = body("plan", "shop:prod", huge_plan(3000), limit=4000, truncated="**cut**", footer=footer)
    parts = [p for p in footer if p]
    assert text.startswith(marker("plan", "shop:prod") + "\n") and len(text) <= 4000 and "**cut**" in text
    assert text.endswith(f"\n<sub>{' · '.join(parts)}</sub>\n" if parts else "**cut**\n")
    assert body("plan", "k", "short\n", limit=4000, truncated="**cut**") == marker("plan", "k") + "\nshort\n"


def test_the_standin_searches_issues_as_documented() -> None:
    standin = GitHubStandIn("acme/shop", "t")
    standin.add_pull_request(1)
    with standin.running() as url:
        api = GitHubApi(url, "acme/shop", "t")
        api.create_issue("Drift", "<!-- provisioner-drift:default --> found", ["provisioner-drift"])
        api.create_issue("Other", "nothing", [])
        found = api.http.request("GET", "/search/issues", params={
            "q": "repo:acme/shop is:issue is:open label:provisioner-drift found"})
        assert [i["title"] for i in found["items"]] == ["Drift"] and found["total_count"] == 1
        assert [i["title"] for i in api.open_issues("provisioner-drift")] == ["Drift"]
        api.update_issue(2, state="closed", state_reason="completed")
        assert api.open_issues("provisioner-drift") == []
