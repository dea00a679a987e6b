"""The fast YAML path reads a file exactly as the round-trip path does, or declines it.

For every text in the table: either ``fast_documents`` returns ``None`` (the loader then uses the
round-trip path), or each document's plain data, start and field positions equal the round-trip path's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioner.declarations.document_data import collect_positions, field_positions, to_plain
from provisioner.declarations.fast_load import field_positions as fast_field_positions
from provisioner.declarations.fast_yaml import AVAILABLE, fast_documents
from provisioner.declarations.loader import load_declarations
from provisioner.declarations.yaml_source import parse_documents
from provisioner.diagnostics import Diagnostics
from tests.unit.declarations.samples import agent, connection, dump, on_premise, token_connection

FILE = Path("decl.yaml")
SCALARS = ("yes", "no", "on", "017", "0o17", "0x1F", "1_000", "1:30", "~", "Null", "1.5", ".inf", "2020-01-01",
           "TRUE", "True", "-0", "+5", "0", "00", "-1", "12e3", "0b101", ".NaN", "'it''s'", '"1"', "b #c")
TEXTS = {
    "declarations": dump(connection(), agent(), on_premise(), token_connection()),
    "every method": dump(*(connection(m, name=f"s{i}") for i, m in enumerate(("HMAC-SHA1", "RSA-SHA256",
                                                                              "PLAINTEXT")))),
    **{f"scalar {s}": f"a: {s}\n" for s in SCALARS},
    **{f"key {s}": f"{s}: x\n" for s in ("1", "null", "true", "''")},
    "empty value": "a:\nb: 1\n",
    "tab": "a:\t1\n",
    "flow": "a: [1, {b: c}]\nd: {e: [f]}\n",
    "block scalars": "a: |\n  x\n  y\nb: >\n  x\n  y\n",
    "documents": "---\na: 1\n---\nb: 2\n...\n---\n",
    "comments": "# c\na: 1  # d\n# e\nb:\n  # f\n  - 1\n",
    "duplicate": "a: 1\na: 2\n",
    "anchors": "a: &x 1\nb: *x\n",
    "tag": "a: !!str 1\n",
    "merge": "a: {b: 1}\nc:\n  <<: {b: 2}\n",
    "escape": 'a: "\\u00e9 \\ud800"\n',
    "indented": "  a: 1\n  b:\n  - c\n",
    "complex key": "? [a]\n: x\n",
    "syntax error": "a: [1\n",
    "scalar document": "x\n",
    "empty": "",
}


@pytest.mark.skipif(not AVAILABLE, reason="PyYAML with libyaml is not installed")
@pytest.mark.parametrize("label", list(TEXTS))
def test_the_fast_path_reads_as_the_round_trip_path_or_declines(label: str) -> None:
    text = TEXTS[label]
    fast = fast_documents(text)
    if fast is None:
        return
    diagnostics = Diagnostics()
    slow = [d for d in parse_documents(FILE, text, diagnostics) if d.data is not None]
    assert not diagnostics.items, diagnostics.items
    assert [d.index for d in fast if d.data is not None] == [d.index for d in slow]
    for quick, rt in zip((d for d in fast if d.data is not None), slow, strict=True):
        assert quick.data == to_plain(rt.data)
        if isinstance(rt.data, dict):  # the loader takes only mappings from the fast path
            assert (quick.line + 1, quick.column + 1) == (rt.source.line, rt.source.column)
            assert fast_field_positions(FILE, quick) == field_positions(collect_positions(rt.data, rt.source))


@pytest.mark.skipif(not AVAILABLE, reason="PyYAML with libyaml is not installed")
def test_the_common_declarations_take_the_fast_path() -> None:
    # the table above proves nothing if the fast path declined everything
    assert fast_documents(TEXTS["declarations"]) is not None
    assert fast_documents(TEXTS["every method"]) is not None


def test_declarations_are_the_same_on_either_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.yaml").write_text(TEXTS["declarations"], encoding="utf-8")
    (tmp_path / "b.yaml").write_text(TEXTS["every method"], encoding="utf-8")
    fast = load_declarations([tmp_path], root=tmp_path)
    monkeypatch.setattr("provisioner.declarations.fast_load.fast_documents", lambda text: None)
    slow = load_declarations([tmp_path], root=tmp_path)
    assert fast.declarations == slow.declarations
    assert fast.diagnostics.items == slow.diagnostics.items
    assert fast.addresses == slow.addresses
