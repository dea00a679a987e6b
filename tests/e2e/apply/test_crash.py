"""SIGKILL an apply on SQLite at chosen points of its progress: the state verifies, agrees with its history,
and a re-apply converges (tests/e2e/apply/crash.py has the points and the checks of each run)."""

from __future__ import annotations

from tests.e2e.apply.crash import sigkill_runs, sqlite_urls


def test_sigkill_at_every_stage_of_progress_leaves_a_state_that_converges(crash_project, tmp_path, capsys):
    sigkill_runs(crash_project, sqlite_urls(tmp_path), "sqlite", capsys)
