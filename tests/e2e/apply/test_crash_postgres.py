"""SIGKILL an apply on PostgreSQL at chosen points of its progress: the state verifies, agrees with its history,
and a re-apply converges (tests/e2e/apply/crash.py has the points and the checks of each run)."""

from __future__ import annotations

from tests.e2e.apply.crash import sigkill_runs


def test_sigkill_at_every_stage_of_progress_leaves_a_state_that_converges(crash_project, postgres_server, capsys):
    sigkill_runs(crash_project, postgres_server.create_database, "postgresql", capsys)
