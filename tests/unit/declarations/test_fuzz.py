"""Property tests: thousands of malformed and random YAML documents give diagnostics, never an exception."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from ruamel.yaml import YAML

from provisioner.declarations.checks import check_declarations
from provisioner.declarations.loader import LoadResult, load_text
from provisioner.render.diagnostics import render_human
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


# --- issue 11: hostile structures (merge keys, tags, aliases, surrogates, huge scalars, deep nesting) ---
# A few hundred examples each by default (derandomized in CI, tests/conftest.py); PROVISIONER_LONG=1 runs 10,000.

EXAMPLES = 10_000 if os.environ.get("PROVISIONER_LONG") == "1" else 300
HOSTILE_FRAGMENTS = st.sampled_from([
    "<<: *a", "<<: [*a, *a]", "? <<\n: *a", "&a", "*a", "*b", "&a [*a]", "&b {x: *a}",
    "!!python/object/apply:os.system [id]",
    "!!python/name:os.system", "!foo", "!!set {a, b}", "!!omap [a: 1]", "!!binary AAAA", "!!binary !!!", "!!int x",
    "!!float x", "!!timestamp 2024-99-99", "!!str", '"\\ud800"', '"\\udfff\\ud800"', "'\ufeff'", '"\\x00"', "\u2028",
    "\x85", "\r", "9" * 5000, "x" * 20_000, "[" * 150, "{a: " * 120, "- " * 150, "ENC[plain,x]", "%YAML 1.1\n---",
])


def _render(result: LoadResult) -> str:
    out = io.StringIO()
    render_human(result.diagnostics.sorted(), Console(file=out, width=200, no_color=True))
    return out.getvalue()


@settings(FUZZ, max_examples=EXAMPLES)
@given(st.sampled_from(VALID), st.lists(st.tuples(st.integers(0, 3000), HOSTILE_FRAGMENTS), min_size=1, max_size=4))
def test_hostile_fragments_in_valid_documents(document: Any, edits: list[tuple[int, str]]) -> None:
    text = dump(document) + "---\n" + dump(connection(name="after"))
    for position, fragment in edits:
        at = position % (len(text) + 1)
        text = text[:at] + fragment + text[at:]
    _render(_check(text))


@st.composite
def alias_bombs(draw: st.DrawFn) -> str:
    width, depth = draw(st.integers(1, 12)), draw(st.integers(1, 9))
    lines = [f"l0: &l0 [{', '.join(['x'] * width)}]"]
    for i in range(1, depth + 1):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    if draw(st.booleans()):
        lines.append(f"spec: {{auth: {{accessToken: *l{depth}}}}}")
    return "\n".join(lines) + "\n"


@settings(FUZZ, max_examples=EXAMPLES)
@given(alias_bombs() | st.integers(1, 400).map(lambda n: "a: " + "[" * n + "]" * n + "\n")
       | st.integers(1, 300).map(lambda n: "".join("  " * i + f"k{i}:\n" for i in range(n)))
       | st.integers(1, 300).map(lambda n: "a: " + "{b: " * n + "1" + "}" * n + "\n"))
def test_alias_bombs_and_deep_nesting(text: str) -> None:
    result = _check(text)
    _render(result)


CANARY_FORMS = [
    "    {key}: {c}\n", "    {key}:\n      {c}\n", "    {key}: |\n      {c}\n", "    ? {key}\n    : {c}\n",
    "    {key}: '{c}'\n", '    {key}: "{c}"\n', "    {key}: ENC[plain,{c}]\n", "    {key}: [{c}]\n",
    "    {key}: &t {c}\n    other: *t\n", "    {key}: >-\n      {c}\n      {c}\n", "    {key}: {{v: {c}}}\n",
]
KEYS = st.sampled_from(["accessToken", "consumerSecret", "tokenSecret", "consumerPrivateKey", "accesToken",
                        "AccessToken", "access_token", "consumersecret", "TokenSecret", "tokenSecrett"])


@settings(FUZZ, max_examples=EXAMPLES)
@given(st.sampled_from(CANARY_FORMS), KEYS, st.text("abcdefghijkmnopqrstuvwxyz0123456789", min_size=10, max_size=30),
       st.booleans())
def test_a_plaintext_secret_never_reaches_an_excerpt(form: str, key: str, tail: str, anchored: bool) -> None:
    canary = "cnry" + tail
    text = dump(connection()).replace("    type: oauth1\n", "    type: oauth1\n" + form.format(key=key, c=canary))
    if anchored and f"{key}: {canary}" in text:  # defined elsewhere, aliased into the secret field
        text = f"note: &z {canary}\n" + text.replace(f"{key}: {canary}", f"{key}: *z")
    text = text.replace("displayName: Shop", "displayName: Shop\n  bogus: 1")
    rendered = _render(_check(text))
    assert canary not in rendered, rendered
