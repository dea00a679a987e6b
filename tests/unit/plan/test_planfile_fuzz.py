"""Fuzzing the plan-file reader: any bytes give a Plan or a ProvisionerError, never a traceback or a hang.

Three sources of input: arbitrary bytes; arbitrary JSON-like trees (NaN, Infinity, lone
surrogates, deep nesting, invalid UTF-8 included); and a real plan document with one part
replaced, removed or added, half of them re-signed with the key so that the schema, not only
the MAC, meets them. A document that is accepted must come back exactly as written (no silent
coercion of a value). A few hundred examples by default; ``PROVISIONER_LONG=1`` runs 10,000 of
each. Under ``CI`` the draw is derandomized (tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provisioner.errors import ProvisionerError
from provisioner.plan.authentication import MAC_FIELD, plan_file_mac
from provisioner.plan.differ import diff
from provisioner.plan.planfile import plan_from_bytes, plan_to_dict
from tests.unit.plan.builders import CountingDecryptor, connection_doc, declaration, fingerprint, record_for, snapshot

KEY = bytes(range(32))
EXAMPLES = 10_000 if os.environ.get("PROVISIONER_LONG") == "1" else 300
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REFUSALS = {"plan-file", "plan-file-modified"}


def _valid_document() -> dict[str, Any]:
    kept = declaration(connection_doc("kept"), file="connections/kept.yaml")
    new = declaration(connection_doc("new"), file="connections/new.yaml")
    gone = declaration(connection_doc("gone"), file="connections/gone.yaml")
    snap = snapshot(record_for(kept), record_for(gone), serial=7)
    document = plan_to_dict(diff([kept, new], snap, fingerprint=fingerprint, decrypt=CountingDecryptor()).plan)
    return json.loads(json.dumps(document))  # type: ignore[no-any-return]


VALID = _valid_document()

scalars = (st.none() | st.booleans() | st.integers() | st.integers(-(10**50), 10**50)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
           | st.sampled_from(["create", "update", "delete", "no-op", "Connection", "Agent", "", "\ud800", "1"]))
trees = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


def to_bytes(value: Any, ascii_only: bool) -> bytes:
    return json.dumps(value, ensure_ascii=ascii_only, allow_nan=True).encode("utf-8", "surrogatepass")


def read(data: bytes) -> Any:
    """The reader's answer; the test fails on any exception that is not a refusal."""
    try:
        return plan_from_bytes(data, KEY, source="plan.json")
    except ProvisionerError as exc:
        assert exc.code in REFUSALS, exc.code
        assert exc.message and "Traceback" not in exc.message
        return None


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data):
    read(data)


@FUZZ
@given(trees, st.booleans())
def test_arbitrary_json_trees(value, ascii_only):
    read(to_bytes(value, ascii_only))


@FUZZ
@given(st.integers(1, 100_000), st.sampled_from(["[", "{\"a\":", "[{\"b\":"]))
def test_deep_nesting(depth, opener):
    closer = "".join({"[": "]", "{": "}"}[c] for c in opener if c in "[{")[::-1]
    read((opener * depth + "1" + closer * depth).encode())


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            out += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            out += _paths(child, (*prefix, i))
    return out


PATHS = [p for p in _paths(VALID) if p]


def _mutate(document: dict[str, Any], path: tuple[Any, ...], how: str, value: Any, key: str) -> None:
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "remove":
        del parent[last]
    elif isinstance(parent, dict):
        parent[key] = value
    else:
        parent.insert(last, value)


@FUZZ
@given(st.sampled_from(PATHS), st.sampled_from(["replace", "remove", "add"]), trees, st.text(max_size=8),
       st.booleans(), st.booleans())
def test_one_part_of_a_real_plan_changed(path, how, value, key, resign, ascii_only):
    document = json.loads(json.dumps(VALID))
    _mutate(document, path, how, value, key)
    if resign:
        # NaN or a lone surrogate cannot be MACed: the reader must refuse such a document anyway.
        with contextlib.suppress(ValueError, UnicodeEncodeError):
            document[MAC_FIELD] = plan_file_mac(KEY, document)
    plan = read(to_bytes(document, ascii_only))
    if plan is not None:  # accepted: exactly as written, nothing coerced or dropped
        assert resign
        expected = {k: v for k, v in document.items() if k not in (MAC_FIELD, "tool_version")}
        got = {k: v for k, v in plan_to_dict(plan).items() if k != "tool_version"}
        assert json.dumps(got, sort_keys=True) == json.dumps(expected, sort_keys=True)


def test_the_unchanged_plan_is_accepted():
    document = json.loads(json.dumps(VALID))
    document[MAC_FIELD] = plan_file_mac(KEY, document)
    assert read(to_bytes(document, True)) is not None
