"""Fuzz: the fast YAML path never reads a text differently from the round-trip path — it agrees or declines.

The risk of a second parser is a file it accepts that the round-trip path (the one that reports) would
refuse or read otherwise: that file would then pass ``validate`` silently. Texts are drawn from lines of
keys and values made of YAML's awkward scalars, flow and block collections, comments, quotes, indentation
and random characters; for each, the fast path must decline (``None``) or give the same documents, data,
starts and field positions (the comparison of test_fast_yaml.py). Seeded under CI (tests/conftest.py).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provisioner.declarations.fast_yaml import AVAILABLE
from tests.support.fuzz import FUZZ, hang_guard
from tests.unit.declarations import test_fast_yaml as table

KEYS = ("a", "spec", "auth", "baseUri", "1", "null", "true", "'q'", '"d"', "x y", "-", "? k", "a:b")
_ALPHABET = st.sampled_from(list("ab01:#-'\"[]{},|>&*!%@`?~. \t\\=+\u00e9\u2028\u2029\x85\r\ufeff\x00\x7f"))
VALUES = st.one_of(st.sampled_from(table.SCALARS), st.sampled_from(["[1, 2]", "{b: c}", "[a, {b: [c]}]", "|\n    x",
                                                              ">-\n    y\n    z", "", "\n  - 1\n  - 2",
                                                              "\n  b: 1\n  c: 2", "ENC[AES256_GCM,data:x]"]),
                   st.text(_ALPHABET, max_size=12))
LINE = st.tuples(st.sampled_from(["", "", "", " "]), st.sampled_from(KEYS), VALUES).map(
    lambda t: f"{t[0]}{t[1]}: {t[2]}")
TEXT = st.lists(st.one_of(LINE, LINE, LINE, st.sampled_from(["---", "...", "# comment", "- item", ""])),
                max_size=10).map(lambda lines: "\n".join(lines) + "\n")


@pytest.mark.skipif(not AVAILABLE, reason="PyYAML with libyaml is not installed")
@FUZZ
@given(text=TEXT)
def test_the_fast_path_agrees_with_the_round_trip_path_or_declines(text: str) -> None:
    table.TEXTS["fuzzed"] = text
    try:
        with hang_guard():
            table.test_the_fast_path_reads_as_the_round_trip_path_or_declines("fuzzed")
    finally:
        del table.TEXTS["fuzzed"]
