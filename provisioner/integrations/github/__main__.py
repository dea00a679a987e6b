"""``python -m provisioner.integrations.github run``: the action's one step that does the work.

Reads the action's inputs from ``INPUT_*`` variables (set by action.yml) and the job from ``GITHUB_*``.
"""

from __future__ import annotations

import argparse
import os
import sys

from provisioner.integrations.github.action import run_action
from provisioner.integrations.github.context import ActionInputs, GitHubContext


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m provisioner.integrations.github",
                                     description="The logic of the provisioner GitHub Action (action.yml).")
    parser.add_argument("step", choices=["run"], help="run: the command named by INPUT_COMMAND")
    parser.parse_args(argv)
    return run_action(ActionInputs.from_env(os.environ), GitHubContext.from_env(os.environ))


if __name__ == "__main__":
    sys.exit(main())
