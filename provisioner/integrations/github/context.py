"""What the runner tells a step: the action's inputs (``INPUT_*``) and the job's ``GITHUB_*`` variables.

Names as documented in "Store information in variables" (default environment variables),
https://docs.github.com/actions/reference/variables-reference, and the pull_request event payload,
https://docs.github.com/webhooks/webhook-events-and-payloads#pull_request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

COMMANDS = ("validate", "plan", "apply", "drift")
PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class ActionInputs:
    command: str
    working_directory: Path
    plan_file: str = "plan.json"
    token: str = field(default="", repr=False)
    comment: bool = True
    drift_issue: bool = False
    allow_delete: bool = False
    fail_on_drift: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ActionInputs:
        return cls(
            command=env.get("INPUT_COMMAND", "").strip() or "plan",
            working_directory=Path(env.get("INPUT_WORKING_DIRECTORY", "").strip() or "."),
            plan_file=env.get("INPUT_PLAN_FILE", "").strip() or "plan.json",
            token=env.get("INPUT_TOKEN", "") or env.get("GITHUB_TOKEN", ""),
            comment=_flag(env.get("INPUT_COMMENT"), True),
            drift_issue=_flag(env.get("INPUT_DRIFT_ISSUE"), False),
            allow_delete=_flag(env.get("INPUT_ALLOW_DELETE"), False),
            fail_on_drift=_flag(env.get("INPUT_FAIL_ON_DRIFT"), False),
        )


@dataclass(frozen=True)
class GitHubContext:
    api_url: str
    repository: str
    event_name: str
    event: Mapping[str, Any]
    sha: str = ""
    server_url: str = "https://github.com"
    run_id: str = ""
    summary_path: Path | None = None
    output_path: Path | None = None
    temp_dir: Path = Path(".")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GitHubContext:
        event: Any = {}
        event_path = env.get("GITHUB_EVENT_PATH")
        if event_path and Path(event_path).is_file():
            event = json.loads(Path(event_path).read_text(encoding="utf-8"))

        def path(name: str) -> Path | None:
            return Path(env[name]) if env.get(name) else None

        return cls(
            api_url=env.get("GITHUB_API_URL", "https://api.github.com"),
            repository=env.get("GITHUB_REPOSITORY", ""),
            event_name=env.get("GITHUB_EVENT_NAME", ""),
            event=event if isinstance(event, dict) else {},
            sha=env.get("GITHUB_SHA", ""),
            server_url=env.get("GITHUB_SERVER_URL", "https://github.com"),
            run_id=env.get("GITHUB_RUN_ID", ""),
            summary_path=path("GITHUB_STEP_SUMMARY"),
            output_path=path("GITHUB_OUTPUT"),
            temp_dir=Path(env.get("RUNNER_TEMP") or "."),
        )

    @property
    def pull_request(self) -> Mapping[str, Any] | None:
        pr = self.event.get("pull_request")
        return pr if self.event_name in PULL_REQUEST_EVENTS and isinstance(pr, dict) else None

    @property
    def pull_request_number(self) -> int | None:
        pr = self.pull_request
        return int(pr["number"]) if pr and "number" in pr else None

    @property
    def is_fork_pull_request(self) -> bool:
        """A pull request whose head lives in another repository (or a deleted one): it gets no secrets."""
        pr = self.pull_request
        if pr is None:
            return False
        head_repo = (pr.get("head") or {}).get("repo") or {}
        base_repo = (pr.get("base") or {}).get("repo") or {}
        return bool(head_repo.get("fork")) or head_repo.get("full_name") != base_repo.get("full_name")

    @property
    def head_sha(self) -> str:
        pr = self.pull_request
        return str(((pr or {}).get("head") or {}).get("sha") or self.sha)

    @property
    def run_url(self) -> str:
        if not (self.repository and self.run_id):
            return ""
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"
