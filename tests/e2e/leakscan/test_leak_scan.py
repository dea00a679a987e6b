"""Issue 11's leak scan: every command x every format x backend, canaries in every secret field, zero findings.

One story per backend (tests/e2e/leakscan/steps.py, conftest.py) runs once per module: SQLite here,
PostgreSQL in test_leak_scan_postgres.py; each row of the table is one
command and format, and fails with where the canary showed up and in which encoding (never its value).
Also here: the table covers every command and format the CLI offers; the endpoint really echoed every
item in every encoding in every place; children really were watched; the scanner finds every canary in
every encoding (so a clean row means something).
"""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.e2e.leakscan.checks import check_row, row_ids, rows, set_up_findings
from tests.e2e.leakscan.steps import SQLITE_STORY, cli_formats, step
from tests.e2e.leakscan.story import SEED, LeakStory
from tests.support.hostile import ENCODINGS, ITEMS, WHERES
from tests.support.leak_canaries import make_canaries
from tests.support.leak_scan import (
    LONG,
    LONG_WINDOW_ENCODINGS,
    STEP_LONG,
    TEXT_ENCODINGS,
    WINDOW,
    Canary,
    LeakScanner,
    base64_cores,
)
from tests.support.leak_watch import FileSnapshot, run_watched


@pytest.mark.parametrize(("command", "fmt"), rows(SQLITE_STORY), ids=row_ids(SQLITE_STORY))
def test_sqlite_row(sqlite_story: LeakStory, command: str, fmt: str) -> None:
    check_row(sqlite_story.results, command, fmt)


def test_the_table_has_every_command_and_format_of_the_cli() -> None:
    covered = {(s.command.split(" -", 1)[0], s.fmt) for phase in SQLITE_STORY for s in phase}
    covered.add(("sandbox", "human"))  # the sandbox the healthy connections talk to is the CLI's, scanned
    offered = {(command, fmt) for command, formats in cli_formats().items() for fmt in formats}
    assert offered - covered == set(), f"commands and formats without a leak-scan step: {sorted(offered - covered)}"


def test_set_up_sandbox_and_database_dumps_are_clean(sqlite_story: LeakStory) -> None:
    findings = set_up_findings(sqlite_story)
    assert not findings, "\n".join(map(str, findings))


def test_the_endpoint_echoed_every_item_in_every_place_and_every_encoding(sqlite_story: LeakStory) -> None:
    served = sqlite_story.endpoint.served
    assert {e for _, _, e in served} == set(ENCODINGS)
    for where in WHERES:
        assert {i for w, i, _ in served if w == where} == set(ITEMS), where


def test_children_were_watched(sqlite_story: LeakStory) -> None:
    results = sqlite_story.results
    sops_calls = list((sqlite_story.base / "sops-calls").glob("call.*"))
    git_calls = list((sqlite_story.base / "git-calls").glob("git.*"))
    sampled = {c.cmdline.split(b"\0", 1)[0].rsplit(b"/", 1)[-1] for r in results for c in r.run.children}
    assert len(sops_calls) > 100 and git_calls, (len(sops_calls), len(git_calls))
    assert any(b"sops" in name for name in sampled), sampled  # /proc sampling saw the sops children too
    assert sum(r.scanned for r in results) > 3 * len(results)


@pytest.mark.parametrize("fmt", ["human", "json"])
def test_a_crash_report_and_its_rendering_hold_no_secret(sqlite_story: LeakStory, monkeypatch: pytest.MonkeyPatch,
                                                         fmt: str) -> None:
    """A bug whose exception quotes every secret, in the middle of a test run: exit 3, a crash report in TMPDIR."""
    values = [c.value for c in sqlite_story.canaries.canaries() if isinstance(c.value, str)]

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug quoting the secrets: " + " ".join(values))

    monkeypatch.setattr("provisioner.commands.probe.probe_many", crash)
    reports = sqlite_story.base / "tmp"
    before = set(reports.glob("provisioner-crash-*"))
    done = sqlite_story.run_here(step("test --from state", fmt))
    made = sorted(set(reports.glob("provisioner-crash-*")) - before)
    assert done.returncode == 3 and len(made) == 1, done.text
    scanner = sqlite_story.scanner
    findings = [*scanner.scan("stdout", done.stdout), *scanner.scan("stderr", done.stderr),
                *scanner.scan(f"crash report {made[0].name}", made[0].read_bytes())]
    assert not findings, "\n".join(map(str, findings))


# --- the scanner and the watch can fail ----------------------------------------------------------

def test_a_child_given_a_secret_and_a_file_holding_one_are_found(tmp_path: Path) -> None:
    canaries = make_canaries(SEED)
    secret = canaries.of("PLAINTEXT").token_secret or ""
    scanner = LeakScanner(canaries.canaries())
    env = {"PATH": "/usr/bin:/bin", "LEAKED": secret}
    done = run_watched(["/bin/sh", "-c", "sleep 0.5; true"], cwd=tmp_path, env=env)  # sh forks sleep
    sleeps = [c for c in done.children if c.cmdline.startswith(b"sleep")]
    assert sleeps and scanner.scan("environment of sleep", sleeps[0].environ)
    files = FileSnapshot([tmp_path], excluded=[])
    files.changed()
    (tmp_path / "report.txt").write_text("x" * 100 + quote(quote(secret, safe=""), safe=""), encoding="utf-8")
    changed = files.changed()
    assert changed == [tmp_path / "report.txt"]
    found = scanner.scan("report.txt", changed[0].read_bytes())
    assert ("plaintext tokenSecret", "percent-twice", 100) in [(f.label, f.encoding, f.offset) for f in found]
    assert min(f.offset for f in found) == 100


def test_the_scanner_finds_every_canary_in_every_encoding_whole_or_in_part() -> None:
    canaries = make_canaries(SEED).canaries()
    scanner = LeakScanner(canaries)
    rng = random.Random(5)
    for canary in canaries:
        value = canary.value
        if isinstance(value, bytes):
            planted = [value, value.hex().encode(), base64.b64encode(b"x" + value), value[7:7 + 16]]
        elif len(value) > LONG:  # a PEM key: whole, any line, any WINDOW + STEP_LONG - 1 characters
            joined = "".join(value.split())
            fragment = joined[101:101 + WINDOW + STEP_LONG - 1]
            planted = [encode(v).encode() for v in (value, value.splitlines()[3]) for encode in TEXT_ENCODINGS.values()]
            planted += [TEXT_ENCODINGS[name](fragment).encode() for name in LONG_WINDOW_ENCODINGS]
        else:
            middle = value[1:1 + WINDOW]
            planted = [encode(v).encode() for v in (value, middle) for encode in TEXT_ENCODINGS.values()]
            planted += [base64.b64encode(b"\0" * shift + middle.encode()) for shift in range(3)]
            planted += [json.dumps({"m": value}).encode(), value.upper().encode()]
        for text in planted:
            noise = bytes(rng.choice(b"._- \n") for _ in range(40))
            assert scanner.scan("t", noise + text + noise), (canary.label, text[:0])


def test_the_scanner_finds_nothing_in_clean_text_and_never_says_a_value(tmp_path: Path) -> None:
    canaries = make_canaries(SEED)
    scanner = LeakScanner(canaries.canaries())
    assert scanner.scan("t", b"ok connection.ok-hmac-sha256 | test: ok (sensitive) 3f2a9c\n" * 100) == []
    creds = canaries.of("RSA-SHA256")
    found = scanner.scan("t", f"key: {creds.private_pem}".encode())
    assert found and all(creds.access_token not in str(f) and "PRIVATE" not in str(f) for f in found)
    assert base64_cores(b"abc") and Canary("x", "y").__repr__() == "Canary('x')"
