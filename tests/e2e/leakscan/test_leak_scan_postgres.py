"""Issue 11's leak scan on PostgreSQL: the commands that touch the state, a pg_dump scanned after each phase
(tests/e2e/leakscan/steps.py ``POSTGRES_STORY``; the SQLite story and the scanner's own tests are in
test_leak_scan.py)."""

from __future__ import annotations

import pytest

from tests.e2e.leakscan.checks import check_row, row_ids, rows, set_up_findings
from tests.e2e.leakscan.steps import POSTGRES_STORY
from tests.e2e.leakscan.story import LeakStory


@pytest.mark.parametrize(("command", "fmt"), rows(POSTGRES_STORY), ids=row_ids(POSTGRES_STORY))
def test_postgres_row(postgres_story: LeakStory, command: str, fmt: str) -> None:
    check_row(postgres_story.results, command, fmt)


def test_set_up_sandbox_and_database_dumps_are_clean(postgres_story: LeakStory) -> None:
    findings = set_up_findings(postgres_story)
    assert not findings, "\n".join(map(str, findings))
