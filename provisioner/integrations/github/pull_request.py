"""The sticky plan comment: one per pull request and project, created once, then updated on every run."""

from __future__ import annotations

from dataclasses import dataclass

from provisioner.integrations import sticky
from provisioner.integrations.github.api import GitHubApi

KIND = "plan"
# "Body is too long (maximum is 65536 characters)": the limit of an issue comment's body
MAX_BODY = 65536
TRUNCATED = "**The plan is too long for a comment: the rest is in the job summary of the run.**"


@dataclass(frozen=True)
class CommentResult:
    action: str  # "created" | "updated"
    comment_id: int
    url: str


def plan_comment_body(key: str, markdown: str, *, sha: str = "", run_url: str = "") -> str:
    return sticky.body(KIND, key, markdown, limit=MAX_BODY, truncated=TRUNCATED,
                       footer=(f"commit `{sha[:12]}`" if sha else "", f"[run]({run_url})" if run_url else ""))


def upsert_plan_comment(api: GitHubApi, number: int, key: str, body: str) -> CommentResult:
    """Update the comment that carries this project's marker, or create it when there is none."""
    existing = sticky.find_marked(api.comments(number), KIND, key)
    if existing is not None:
        done = api.update_comment(int(existing["id"]), body)
        return CommentResult("updated", int(done["id"]), str(done.get("html_url", "")))
    done = api.create_comment(number, body)
    return CommentResult("created", int(done["id"]), str(done.get("html_url", "")))
