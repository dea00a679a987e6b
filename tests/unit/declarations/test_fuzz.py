"""Property tests: thousands of malformed and random YAML documents give diagnostics, never an exception."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from provisioner.declarations.checks import check_declarations
from provisioner.declarations.loader import LoadResult, load_text
from tests.unit.declarations.samples import METHODS, agent, connection, dump, on_premise, token_connection

FILE = Path("fuzz.yaml")
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _check(text: str) -> LoadResult:
    result = load_text(text, FILE)
    check_declarations(result.declarations, result.diagnostics, also_declared=result.addresses)
    for d in result.diagnostics:
        assert d.code and d.message
        assert d.source is not None and d.source.file == str(FILE)
        assert d.source.line >= 0 and d.source.column >= 0
    if not result.diagnostics.has_errors:
        assert all(d.file == FILE for d in result.declarations)
    return result


YAML_ALPHABET = st.sampled_from(list(":-?[]{},#&*!|>'\"%@` \t\n") + list("abcENC0123456789.") + ["---", "...", "\\"])
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
keys = st.sampled_from(["apiVersion", "kind", "metadata", "spec", "name", "auth", "sops", "agent", "mode"]) | st.text(
    max_size=8
)
structures = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)


def _dump(data: Any) -> str:
    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, out)
    return out.getvalue()


@settings(FUZZ, max_examples=1500)
@given(st.text(max_size=200) | st.lists(YAML_ALPHABET, max_size=80).map("".join))
def test_random_text(text: str) -> None:
    _check(text)


@settings(FUZZ, max_examples=1000)
@given(st.lists(structures, min_size=1, max_size=3))
def test_random_structures_dumped_as_yaml(documents: list[Any]) -> None:
    _check("---\n".join(_dump(d) for d in documents))


VALID = [connection(m) for m in METHODS] + [agent(), on_premise(), token_connection()]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            found += _paths(v, (*prefix, k))
    return found


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    import copy

    doc = copy.deepcopy(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(_paths(doc)))
        parent: Any = doc
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["delete", "replace", "add"]))
        if not path or not isinstance(parent, dict):
            continue
        if action == "delete":
            parent.pop(path[-1], None)
        elif action == "replace":
            parent[path[-1]] = draw(structures)
        else:
            target = parent.get(path[-1])
            if isinstance(target, dict):
                target[draw(keys)] = draw(structures)
    return doc


@settings(FUZZ, max_examples=1200)
@given(st.lists(mutated_documents(), min_size=1, max_size=3))
def test_mutated_valid_documents(documents: list[Any]) -> None:
    result = _check(dump(*documents))
    assert len(result.declarations) <= len(documents)


@settings(FUZZ, max_examples=1000)
@given(st.sampled_from(VALID), st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 3), YAML_ALPHABET), max_size=6))
def test_text_edits_of_valid_documents(document: Any, edits: list[tuple[int, int, str]]) -> None:
    text = dump(document)
    for position, cut, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + cut :]
    _check(text)
