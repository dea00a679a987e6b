"""docs/ci.md shows only files that the tests run, byte for byte."""

from __future__ import annotations

import re

from tests.support.cli import REPO_ROOT

DOC = REPO_ROOT / "docs" / "ci.md"
SNIPPET = re.compile(r"<!-- snippet: (?P<path>\S+) -->\n```[a-z]*\n(?P<body>.*?)```\n", re.DOTALL)
# each is run, linted or validated by a test in tests/e2e/integrations/
TESTED = {"examples/github/plan.yml", "examples/github/apply.yml", "examples/github/drift.yml",
          "examples/gitlab/provisioner.gitlab-ci.yml", "examples/gitlab/.gitlab-ci.yml", ".pre-commit-hooks.yaml",
          "examples/pre-commit/.pre-commit-config.yaml"}


def test_every_snippet_is_a_tested_file_byte_for_byte() -> None:
    text = DOC.read_text(encoding="utf-8")
    snippets = list(SNIPPET.finditer(text))
    assert text.count("```") == 2 * len(snippets), "a code block in docs/ci.md that is not a snippet of a file"
    shown = set()
    for m in snippets:
        assert m["path"] in TESTED, f"{m['path']} is not a file the tests run"
        assert m["body"] == (REPO_ROOT / m["path"]).read_text(encoding="utf-8"), f"{m['path']} differs from docs/ci.md"
        shown.add(m["path"])
    assert shown == TESTED


def test_the_check_can_fail() -> None:
    text = DOC.read_text(encoding="utf-8").replace("cron:", "cron :", 1)
    m = next(m for m in SNIPPET.finditer(text) if m["path"] == "examples/github/drift.yml")
    assert m["body"] != (REPO_ROOT / m["path"]).read_text(encoding="utf-8")
