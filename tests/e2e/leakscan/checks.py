"""What a leak-scan row checks (test_leak_scan.py on SQLite, test_leak_scan_postgres.py on PostgreSQL)."""

from __future__ import annotations

from tests.e2e.leakscan.story import LeakStory, Step, StepResult
from tests.support.leak_scan import Finding


def rows(story: list[list[Step]]) -> list[tuple[str, str]]:
    """The (command, format) pairs of ``story``, once each, in story order (deterministic test ids)."""
    return list(dict.fromkeys((s.command, s.fmt) for phase in story for s in phase))


def row_ids(story: list[list[Step]]) -> list[str]:
    return [f"{c} {f}" for c, f in rows(story)]


def told(results: list[StepResult]) -> str:
    lines = []
    for r in results:
        lines += [f"{' '.join(r.step.args)}: exit {r.run.returncode}",
                  *(f"  {f}" for f in r.findings[:20])]
        if r.run.returncode not in r.step.codes or b"Traceback" in r.run.stderr:
            lines.append(r.run.text[-3000:])
    return "\n".join(lines)


def check_row(results: list[StepResult], command: str, fmt: str) -> None:
    mine = [r for r in results if (r.step.command, r.step.fmt) == (command, fmt)]
    assert mine, f"no step ran {command} --format {fmt}"
    assert all(r.run.returncode in r.step.codes and b"Traceback" not in r.run.stderr for r in mine), told(mine)
    assert not [f for r in mine for f in r.findings], told(mine)


def set_up_findings(story: LeakStory) -> list[Finding]:
    """The set-up's files, the sandbox's output and, on PostgreSQL, the final pg_dump and the server log."""
    findings = [*story.setup_findings, *story.sandbox_findings]
    if story.postgres is not None:
        findings += story.scanner.scan("pg_dump at the end", story.pg_dump())
        findings += story.scanner.scan("PostgreSQL server log", (story.postgres.root / "server.log").read_bytes())
    return findings
