"""The child's environment is an allow-list; sops' messages are scrubbed before they are shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioner.secrets.scrub import first_line, scrub
from provisioner.secrets.sops import sops_environment


def test_only_allow_listed_variables_reach_sops():
    env = sops_environment({"PATH": "/bin", "HOME": "/h", "SOPS_AGE_KEY_FILE": "/k", "SOPS_AGE_KEY": "AGE-SECRET",
                            "PROVISIONER_STATE_KEY": "state-secret", "AWS_PROFILE": "p", "RANDOM": "x"})
    assert env == {"PATH": "/bin", "HOME": "/h", "SOPS_AGE_KEY_FILE": "/k", "SOPS_AGE_KEY": "AGE-SECRET",
                   "AWS_PROFILE": "p"}


@pytest.mark.parametrize(("given", "expected"), [
    ({}, "/project.agekey"),
    ({"SOPS_AGE_KEY_FILE": "/env.agekey"}, "/env.agekey"),
    ({"SOPS_AGE_KEY": "AGE-SECRET-KEY-1X"}, None),
])
def test_configured_key_file_is_only_a_fallback(given, expected):
    env = sops_environment(given, age_key_file=Path("/project.agekey"))
    assert env.get("SOPS_AGE_KEY_FILE") == expected


@pytest.mark.parametrize(("raw", "shown"), [
    ("Error: cannot unmarshal !!str `hunter2` into int", "Error: cannot unmarshal !!str `…` into int"),
    ("value ENC[AES256_GCM,data:abc,iv:x,tag:y,type:str] bad", "value ENC[…] bad"),
    ("MAC mismatch. File has 593341C27B24730A3FBD8AEDCB2332E868E6A81296E022D6, computed 5",
     "MAC mismatch. File has …, computed 5"),
    ("invalid character 'secretvalue' here", "invalid character '…' here"),
])
def test_scrub(raw, shown):
    assert scrub(raw) == shown


def test_first_line_skips_blank_lines_and_limits_length():
    assert first_line("\n\n  Error reading file: x  \nmore") == "Error reading file: x"
    assert first_line("") == "(no message)"
    assert len(first_line("e" * 20 + " " + "word " * 100)) == 200
