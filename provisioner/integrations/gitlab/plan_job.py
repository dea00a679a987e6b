"""The merge-request plan job: the plan, its counts as a Terraform report, one merge-request note.

The report is what ``artifacts:reports:terraform`` expects, ``{"create": N, "update": N, "delete": N}``
(https://docs.gitlab.com/user/infrastructure/iac/mr_integration/; the format was fixed in
https://gitlab.com/gitlab-org/gitlab/-/merge_requests/26830), so the merge-request widget shows the counts.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from provisioner.integrations import sticky, summary
from provisioner.integrations.command import Counts, run_provisioner
from provisioner.integrations.gitlab.api import GitLabApi
from provisioner.integrations.http import ApiError

KIND = "plan"
MAX_BODY = 1_000_000  # the Notes API: "body ... Limited to 1,000,000 characters"
TRUNCATED = "**The plan is too long for a note: the rest is in the job log.**"
TOKEN_VARIABLE = "PROVISIONER_GITLAB_TOKEN"  # noqa: S105 (a variable name, not a token)


@dataclass(frozen=True)
class PlanJob:
    directory: Path
    plan_file: str
    report: Path
    api_url: str
    project_id: str
    merge_request_iid: int | None
    token: str
    sha: str = ""
    pipeline_url: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, plan_file: str, report: Path) -> PlanJob:
        iid = env.get("CI_MERGE_REQUEST_IID", "")
        return cls(Path(env.get("PROVISIONER_DIR") or "."), plan_file, report, env.get("CI_API_V4_URL", ""),
                   env.get("CI_PROJECT_ID", ""), int(iid) if iid.isdigit() else None, env.get(TOKEN_VARIABLE, ""),
                   env.get("CI_COMMIT_SHA", ""), env.get("CI_PIPELINE_URL", ""))


def terraform_report(counts: Counts) -> dict[str, int]:
    return {"create": counts.create, "update": counts.update, "delete": counts.delete}


def note_body(key: str, markdown: str, job: PlanJob) -> str:
    return sticky.body(KIND, key, markdown, limit=MAX_BODY, truncated=TRUNCATED,
                       footer=(f"commit `{job.sha[:12]}`" if job.sha else "",
                               f"[pipeline]({job.pipeline_url})" if job.pipeline_url else ""))


def upsert_note(api: GitLabApi, iid: int, key: str, body: str) -> str:
    existing = sticky.find_marked(api.notes(iid), KIND, key)
    if existing is not None:
        api.update_note(iid, int(existing["id"]), body)
        return "updated"
    api.create_note(iid, body)
    return "created"


def run_plan_job(job: PlanJob, environ: Mapping[str, str]) -> int:
    markdown_file = job.report.absolute().with_suffix(".md")
    run = run_provisioner(["plan", "--out", job.plan_file, "--markdown", str(markdown_file), "--detailed-exitcode"],
                          cwd=job.directory, environ=environ)
    ok = run.exit_code in (0, 2) and run.error is None
    counts = Counts.of_plan(run.document) if ok else Counts()
    markdown = markdown_file.read_text(encoding="utf-8") if ok else summary.failure_markdown(
        "plan", run.document, run.exit_code)
    job.report.write_text(json.dumps(terraform_report(counts)) + "\n", encoding="utf-8")
    print(markdown, end="")
    if job.merge_request_iid is None:
        print("not a merge-request pipeline: no note")
    elif not job.token:
        print(f"{TOKEN_VARIABLE} is not set: no merge-request note (a project access token with the api scope)")
    else:
        key = sticky.project_key(job.directory.as_posix(), str(run.document.get("workspace") or "default"))
        try:
            action = upsert_note(GitLabApi(job.api_url, job.project_id, job.token), job.merge_request_iid, key,
                                 note_body(key, markdown, job))
            print(f"merge-request note {action}")
        except ApiError as exc:
            sys.stderr.write(f"error: could not post the merge-request note: {exc}\n")
            return 1
    return 0 if ok else (run.exit_code or 1)
