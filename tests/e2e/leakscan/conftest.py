"""One leak story per backend (tests/e2e/leakscan/story.py), run once in the module that asks for it:
``sqlite_story`` in test_leak_scan.py, ``postgres_story`` in test_leak_scan_postgres.py (a file each, so
that xdist's ``--dist loadfile`` can run the two set-ups on two workers at once)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from tests.e2e.leakscan.steps import POSTGRES_STORY, SQLITE_STORY
from tests.e2e.leakscan.story import LeakStory, Step
from tests.support.leak_endpoint import running_leak_endpoint
from tests.support.postgres import PostgresServer


def run_story(factory: pytest.TempPathFactory, name: str, phases: Sequence[Sequence[Step]],
               postgres: PostgresServer | None = None) -> Iterator[LeakStory]:
    base = factory.mktemp(name)
    with running_leak_endpoint(base / "endpoint-tls") as endpoint:
        story = LeakStory(base, endpoint, postgres)
        try:
            for phase in phases:
                story.run_phase(phase)
        finally:
            story.sandbox_findings = story.stop_sandbox()
        yield story


@pytest.fixture(scope="module")
def sqlite_story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LeakStory]:
    yield from run_story(tmp_path_factory, "leak-sqlite", SQLITE_STORY)


@pytest.fixture(scope="module")
def postgres_story(tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer) -> Iterator[LeakStory]:
    yield from run_story(tmp_path_factory, "leak-postgres", POSTGRES_STORY, postgres_server)
