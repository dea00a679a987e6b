"""sops' decrypted output is read on the fast YAML path when it can be, and always as ruamel's safe loader reads it.

``parse_documents`` tries libyaml first (issue 16: ruamel's pure-Python safe loader was most of a first
plan's work above the sops processes) and falls back to ruamel for anything the fast path declines; the
data must be the same either way, and a broken output never echoes what it holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from provisioner.declarations import fast_yaml
from provisioner.errors import SecretsError
from provisioner.secrets.sops import parse_documents

SECRET = "CANARY-sops-output-0123456789abcdef"
OUTPUTS = [
    "apiVersion: provisioner/v1\nkind: Connection\nmetadata:\n  name: a\nspec:\n  timeoutSeconds: 30\n"
    f"  auth:\n    accessToken: {SECRET}\n    enabled: true\n    realm: null\n",
    f"a: 1\n---\nb: '{SECRET}'\n---\n",  # several documents, an empty one
    f'k: "{SECRET}\\u00e9"\n',  # an escape: declined by the fast path, read by ruamel
    "k: 1.5\nt: 2001-12-14\nn: 0o17\nh: 0x1F\ny: yes\n",  # YAML 1.2 types the fast path declines
    f"k: |\n  {SECRET}\n  second line\n",
    "k: [a, {b: 1}]\nanchor: &x v\nalias: *x\n",
    "- not a mapping\n",
    "",
]


@pytest.mark.parametrize("text", OUTPUTS, ids=range(len(OUTPUTS)))
def test_the_data_is_what_ruamel_safe_reads(text: str) -> None:
    expected = tuple(d if isinstance(d, dict) else {} for d in YAML(typ="safe").load_all(text))
    assert parse_documents(text.encode(), Path("x.yaml")) == expected


def test_a_plain_output_takes_the_fast_path() -> None:
    assert fast_yaml.AVAILABLE  # PyYAML with libyaml is a dependency
    assert fast_yaml.fast_documents(OUTPUTS[0]) is not None


@pytest.mark.parametrize("data", [f"k: [{SECRET}\n".encode(), b"k: \xff" + SECRET.encode()], ids=["yaml", "utf-8"])
def test_a_broken_output_is_refused_without_echoing_it(data: bytes) -> None:
    with pytest.raises(SecretsError) as caught:
        parse_documents(data, Path("x.yaml"))
    assert caught.value.code == "sops-output" and SECRET not in str(caught.value) and "x.yaml" in caught.value.message
