"""``python -m provisioner.integrations.gitlab plan``: the plan job of examples/gitlab/provisioner.gitlab-ci.yml.

Reads the job from GitLab's predefined variables (``CI_API_V4_URL``, ``CI_PROJECT_ID``,
``CI_MERGE_REQUEST_IID``, ``CI_COMMIT_SHA``, ``CI_PIPELINE_URL``: https://docs.gitlab.com/ci/variables/predefined_variables/),
the project directory from ``PROVISIONER_DIR`` and the token for the note from ``PROVISIONER_GITLAB_TOKEN``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from provisioner.integrations.gitlab.plan_job import PlanJob, run_plan_job


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m provisioner.integrations.gitlab",
                                     description="The plan job of the provisioner GitLab CI template.")
    parser.add_argument("step", choices=["plan"])
    parser.add_argument("--plan-file", default="plan.json", help="where to write the plan file (in PROVISIONER_DIR)")
    parser.add_argument("--report", type=Path, default=Path("provisioner-plan.json"),
                        help="the artifacts:reports:terraform file to write")
    args = parser.parse_args(argv)
    return run_plan_job(PlanJob.from_env(os.environ, plan_file=args.plan_file, report=args.report), os.environ)


if __name__ == "__main__":
    sys.exit(main())
