"""Issue 11 (declarations): hostile files on disk, through ``provisioner validate`` as a user runs it.

Each case is the attack as reported: a link out of the project, hostile YAML, a secret the
line-pattern masking missed, credentials or a bad port in a URL, a huge file, an unlistable directory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import cli_env, run_cli_inprocess
from tests.unit.declarations.samples import agent, connection, dump, line_of

CANARY = "hunter2-canary-5c1e"


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "connections").mkdir(parents=True)
    (project / "provisioner.yaml").write_text("paths: [connections]\n")
    return project


def _validate(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = run_cli_inprocess(["validate", *args], cwd=project)
    assert "Traceback" not in done.stdout + done.stderr
    return done


def _json(project: Path) -> dict[str, object]:
    done = _validate(project, "--format", "json")
    return dict(json.loads(done.stdout))


def _codes(payload: dict[str, object]) -> list[tuple[str, str, int | None]]:
    diags = payload["diagnostics"]
    assert isinstance(diags, list)
    return [(d["code"], d["file"], d["line"]) for d in diags]


# --- 3. links out of the project ----------------------------------------------------------

@pytest.mark.parametrize("link_kind", ["file", "directory"])
def test_a_link_out_of_the_project_is_named_and_never_read(tmp_path: Path, link_kind: str) -> None:
    project = _project(tmp_path)
    outside = tmp_path / "home" / ".aws"
    outside.mkdir(parents=True)
    (outside / "credentials").write_text(f"[default]\naws_secret_access_key = {CANARY}\n")
    (outside / "c.yaml").write_text(f"aws_secret_access_key = {CANARY}\n")
    (project / "connections" / "ok.yaml").write_text(dump(connection()))
    if link_kind == "file":
        link = project / "connections" / "leak.yaml"
        link.symlink_to(outside / "credentials")
    else:
        link = project / "connections" / "aws"
        link.symlink_to(outside, target_is_directory=True)
    for fmt in ("human", "json", "github"):
        done = _validate(project, "--format", fmt)
        assert done.returncode == 1
        assert CANARY not in done.stdout + done.stderr and "aws_secret" not in done.stdout
        assert "link-outside-project" in done.stdout and str(link.relative_to(project)) in done.stdout
    payload = _json(project)
    assert payload["declarations"] == ["connection.shop"]  # the other file is still validated


def test_a_link_inside_the_project_is_followed(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "shared").mkdir()
    (project / "shared" / "shop.yaml").write_text(dump(connection()))
    (project / "connections" / "shop.yaml").symlink_to(project / "shared" / "shop.yaml")
    (project / "connections" / "loop").symlink_to(project / "connections", target_is_directory=True)
    payload = _json(project)
    assert payload["valid"] is True and payload["declarations"] == ["connection.shop"]


def test_diagnostics_about_files_that_are_not_declarations_carry_no_excerpt(tmp_path: Path) -> None:
    from provisioner.diagnostics import Diagnostic, Severity, SourceRange
    from provisioner.render.diagnostics import _excerpt

    secret = tmp_path / "credentials"
    secret.write_text(f"aws_secret_access_key = {CANARY}\n")
    d = Diagnostic(Severity.ERROR, "x", "y", source=SourceRange(str(secret), 1, 1))
    assert _excerpt(d) == []


# --- 4. hostile YAML: a diagnostic with a position, the other documents still validated --------

GOOD = dump(connection(name="good"))
HOSTILE = {
    "merge key": ("base: &b {displayName: x}\nspec:\n  <<: *b\n", "yaml.merge-key", 3),
    "python tag": ("kind: !!python/object/apply:os.system [echo pwned]\n", "yaml.tag", 1),
    "custom tag": ("kind: !Connection x\n", "yaml.tag", 1),
    "set tag": ("labels: !!set {a, b}\n", "yaml.tag", 1),
    "surrogate label": ('metadata: {name: x, labels: {a: "\\ud800"}}\n', "yaml.surrogate", 1),
    "surrogate key": ('"\\udfff": 1\n', "yaml.surrogate", 1),
    "deep nesting": ("a: " + "[" * 10_000 + "]" * 10_000 + "\n", "yaml.too-deep", 1),
    "recursive alias": ("a: &a [*a]\n", "yaml.recursive-alias", 1),
    "billion laughs": (
        "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
        + "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
        "yaml.too-large", None,
    ),
    "huge integer": ("a: " + "9" * 10_000 + "\n", "yaml.invalid", 1),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_yaml_is_a_diagnostic_and_the_rest_is_still_validated(tmp_path: Path, case: str) -> None:
    text, code, line = HOSTILE[case]
    project = _project(tmp_path)
    (project / "connections" / "hostile.yaml").write_text(f"{text}---\n{GOOD}")
    (project / "connections" / "other.yaml").write_text(dump(connection(name="other")))
    done = _validate(project)
    assert done.returncode == 1, done.stdout
    payload = _json(project)
    found = [c for c in _codes(payload) if c[0] == code]
    assert found and found[0][1] == "connections/hostile.yaml", _codes(payload)
    assert found[0][2] is not None and (line is None or found[0][2] == line)
    declared = payload["declarations"]
    assert isinstance(declared, list)
    assert "connection.other" in declared
    if code not in ("yaml.too-deep",):  # a composer error ends that file; the others go on
        assert "connection.good" in declared


@pytest.mark.parametrize("field", ["label", "consumerKey", "displayName"])
def test_a_lone_surrogate_in_a_value_is_refused(tmp_path: Path, field: str) -> None:
    project = _project(tmp_path)
    doc = dump(connection())
    doc = {
        "label": doc.replace("env: test", 'env: "a\\ud800"'),
        "consumerKey": doc.replace("consumerKey: 9f8e7d6c5b4a39281706f5e4d3c2b1a0", 'consumerKey: "\\ud800"'),
        "displayName": doc.replace("displayName: Shop", 'displayName: "\\udc80x"'),
    }[field]
    (project / "connections" / "s.yaml").write_text(doc)
    assert [c[0] for c in _codes(_json(project))] == ["yaml.surrogate"]


# --- 6. masking by position ------------------------------------------------------------------

def _with_auth_lines(extra: str) -> str:
    text = dump(connection())
    return text.replace("    type: oauth1\n", f"    type: oauth1\n{extra}")


MASKING = {
    "next line": "    accessToken:\n      hunter2-canary-5c1e\n",
    "block scalar": "    tokenSecret: |\n      hunter2-canary-5c1e\n",
    "complex key": "    ? consumerSecret\n    : hunter2-canary-5c1e\n",
    "misspelled": "    accesToken: hunter2-canary-5c1e\n",
    "wrong case": "    AccessToken: hunter2-canary-5c1e\n",
    "snake case": "    access_token: 'hunter2-canary-5c1e'\n",
    "fake ENC": "    consumerPrivateKey: ENC[plain,hunter2-canary-5c1e]\n",
    "flow": "    tokenSecrett: {a: [hunter2-canary-5c1e]}\n",
}


@pytest.mark.parametrize("case", list(MASKING), ids=list(MASKING))
def test_a_plaintext_secret_is_masked_in_every_excerpt(tmp_path: Path, case: str) -> None:
    project = _project(tmp_path)
    text = _with_auth_lines(MASKING[case]).replace("accessToken: ENC", "accessTokenX: ENC", 1)
    (project / "connections" / "c.yaml").write_text(text)
    for fmt in ("human", "json", "github"):
        done = _validate(project, "--format", fmt)
        assert done.returncode == 1
        assert CANARY not in done.stdout + done.stderr, (fmt, done.stdout)
    assert "***" in _validate(project).stdout or case == "complex key"


def test_an_anchor_defined_elsewhere_is_masked_where_it_is_defined(tmp_path: Path) -> None:
    project = _project(tmp_path)
    text = f"x-note: &t {CANARY}\n" + dump(connection()).replace("accessToken: ENC", "accessToken: *t\n    # ENC", 1)
    text = text.replace("displayName: Shop", "displayName: Shop\n  unknownField: 1")
    text += "---\nkind: Connection\nwhat: 1\n"
    (project / "connections" / "c.yaml").write_text(text)
    done = _validate(project)
    assert done.returncode == 1 and "   1 | x-note: ***" in done.stdout, done.stdout
    assert CANARY not in done.stdout + done.stderr


def test_the_caret_still_points_at_the_problem_after_masking(tmp_path: Path) -> None:
    project = _project(tmp_path)
    extra = f"    extra: {{accesToken: {CANARY}, b: 1}}\n"
    text = dump(connection()).replace("    type: oauth1\n", "    type: oauth1\n" + extra)
    (project / "connections" / "c.yaml").write_text(text)
    done = _validate(project)
    lines = done.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "unknown field `spec.auth.extra`" in line)
    assert lines[at + 1].endswith("| " + "    extra: {accesToken: ***, b: 1}")
    assert lines[at + 2].index("^") == lines[at + 1].index("extra")


# --- 7. credentials and bad ports in URLs -----------------------------------------------------

URLS = {
    "credentials": ("https://admin:" + CANARY + "@shop.example.com/rest", "check.base-uri"),
    "user only": ("https://" + CANARY + "@shop.example.com/rest", "check.base-uri"),
    "port 99999": ("https://shop.example.com:99999/rest", "check.base-uri"),
    "port -1": ("https://shop.example.com:-1/rest", "check.base-uri"),
}


@pytest.mark.parametrize("case", list(URLS), ids=list(URLS))
def test_a_bad_base_uri_is_a_validation_error_at_its_position_never_quoted(tmp_path: Path, case: str) -> None:
    url, code = URLS[case]
    project = _project(tmp_path)
    doc = connection()
    doc["spec"]["auth"]["baseUri"] = url
    text = dump(doc)
    (project / "connections" / "c.yaml").write_text(text)
    payload = _json(project)
    assert (code, "connections/c.yaml", line_of(text, "baseUri:")) in _codes(payload)
    for fmt in ("human", "github"):
        out = _validate(project, "--format", fmt)
        assert out.returncode == 1 and CANARY not in out.stdout + out.stderr
        assert CANARY not in url or url.split("@")[0] not in out.stdout  # the message never quotes it
    plan = run_cli_inprocess(["plan"], cwd=project)
    assert plan.returncode != 0 and CANARY not in plan.stdout + plan.stderr


def test_credentials_in_an_agents_proxy_url_are_an_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    doc = agent()
    doc["spec"]["proxyUrl"] = f"http://proxy:{CANARY}@proxy.internal:3128"
    (project / "connections" / "a.yaml").write_text(dump(doc))
    done = _validate(project)
    assert done.returncode == 1 and "check.proxy-url" in done.stdout
    assert CANARY not in done.stdout + done.stderr


def test_verify_tls_false_draws_a_warning_with_position_and_hint(tmp_path: Path) -> None:
    project = _project(tmp_path)
    doc = connection()
    doc["spec"]["advanced"] = {"verifyTls": False}
    text = dump(doc)
    (project / "connections" / "c.yaml").write_text(text)
    payload = _json(project)
    assert payload["valid"] is True
    assert ("check.tls-unverified", "connections/c.yaml", line_of(text, "verifyTls:")) in _codes(payload)
    assert "caBundle" in _validate(project).stdout


# --- 11. size before parsing, unlistable directories -------------------------------------------

def test_a_huge_declaration_is_refused_before_parsing(tmp_path: Path) -> None:
    project = _project(tmp_path)
    with (project / "connections" / "huge.yaml").open("w") as fh:
        fh.write("a: [" + "1, " * (20 * 1024 * 1024 // 3) + "]\n")  # 20 MiB
    (project / "connections" / "ok.yaml").write_text(dump(connection()))
    payload = _json(project)
    assert ("load.too-large", "connections/huge.yaml", None) in _codes(payload)
    assert payload["declarations"] == ["connection.shop"]


def test_a_fifo_given_as_a_declaration_is_refused_without_blocking(tmp_path: Path) -> None:
    project = _project(tmp_path)
    os.mkfifo(project / "connections" / "pipe.yaml")
    done = _validate(project, "--format", "json", "connections/pipe.yaml", "/dev/zero")
    codes = _codes(json.loads(done.stdout))
    assert ("load.not-a-file", "connections/pipe.yaml", None) in codes
    assert ("load.not-a-file", "/dev/zero", None) in codes


def test_an_unlistable_subdirectory_is_an_error_not_skipped(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "connections" / "ok.yaml").write_text(dump(connection()))
    hidden = project / "connections" / "team-b"
    hidden.mkdir()
    (hidden / "b.yaml").write_text(dump(connection(name="b")))
    hidden.chmod(0)
    try:
        # root reads anything: drop the capabilities that let it (what a CI user has)
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                  "--inh-caps=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
        if prefix and shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv")
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "provisioner", "validate", "--format", "json"],
            cwd=project, env=cli_env(), capture_output=True, text=True, timeout=120, check=False,
        )
    finally:
        hidden.chmod(0o755)
    payload = json.loads(done.stdout)
    assert ("load.unreadable-dir", "connections/team-b", None) in _codes(payload), done.stdout
    assert payload["valid"] is False


def test_a_yaml_directive_and_a_very_long_line_are_read_not_crashed_on(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "connections" / "d.yaml").write_text("%YAML 1.1\n---\n" + dump(connection()))
    long_key = "k" * 50_000
    (project / "connections" / "l.yaml").write_text(dump(connection(name="long")).replace(
        "displayName: Shop", f"displayName: Shop\n  {long_key}: 1"))
    done = _validate(project)
    assert done.returncode == 1
    excerpt = next(line for line in done.stdout.splitlines() if line.startswith("  10 | "))
    assert len(excerpt) < 200 and excerpt.startswith("  10 | …")
    assert "connection.shop" in _json(project)["declarations"]  # type: ignore[operator]
