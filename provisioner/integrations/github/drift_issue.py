"""The drift issue: one open issue (label + marker) while drift lasts, updated each run, closed when it is gone."""

from __future__ import annotations

from dataclasses import dataclass

from provisioner.integrations.github.api import GitHubApi
from provisioner.integrations.sticky import find_marked, with_marker

KIND = "drift"
LABEL = "provisioner-drift"


@dataclass(frozen=True)
class IssueResult:
    action: str  # "opened" | "updated" | "closed" | "none"
    number: int | None = None


def sync_drift_issue(api: GitHubApi, key: str, *, drifted: bool, markdown: str, run_url: str = "") -> IssueResult:
    existing = find_marked(api.open_issues(LABEL), KIND, key)
    if drifted:
        body = with_marker(KIND, key, markdown + (f"\n<sub>last checked by [this run]({run_url})</sub>\n"
                                                  if run_url else ""))
        if existing is not None:
            api.update_issue(int(existing["number"]), body=body)
            return IssueResult("updated", int(existing["number"]))
        title = "Drift: connections differ from their declarations" + (f" ({key})" if key != "default" else "")
        created = api.create_issue(title, body, [LABEL])
        return IssueResult("opened", int(created["number"]))
    if existing is None:
        return IssueResult("none")
    number = int(existing["number"])
    api.create_comment(number, "No drift any more" + (f" ([run]({run_url}))" if run_url else "") + ": closing.")
    api.update_issue(number, state="closed", state_reason="completed")
    return IssueResult("closed", number)
