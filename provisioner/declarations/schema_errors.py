"""JSON-Schema errors turned into diagnostics a person can act on.

Messages are built here, never taken from jsonschema (whose messages repeat the offending
value, which for a secret field could be a plaintext secret). A value is only quoted for
non-secret fields with a fixed set of choices or a pattern.
"""

from __future__ import annotations

import difflib
import shlex
from collections.abc import Iterable
from typing import Any

from jsonschema import ValidationError

from provisioner.applications.registry import secret_field_names
from provisioner.declarations.document_data import Positions, dotted
from provisioner.declarations.schemas import ENC_PATTERN, resolve
from provisioner.diagnostics import Diagnostic, Severity, SourceRange

_TYPE_WORDS = {
    "object": "a mapping", "array": "a list", "string": "a string", "number": "a number",
    "integer": "a whole number", "boolean": "true or false", "null": "null",
}
# The fields whose value decides what else is allowed (and their defaults), for "not allowed with ...".
_CONDITIONS = (("signatureMethod", None), ("mode", "cloud"))
ENCRYPT_HINT = "encrypt it: provisioner secrets encrypt {file}  (a secret is never committed in clear)"


def encrypt_hint(where: SourceRange) -> str:
    """The command that encrypts what is in clear, in a new file or in a sops file edited by hand (a test runs it)."""
    return ENCRYPT_HINT.format(file=shlex.quote(where.file) if where.file else "FILE")


def _field(path: str) -> str:
    return f"`{path}`" if path else "the document"


def _quote(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_secret(path: list[Any]) -> bool:
    return bool(path) and str(path[-1]) in secret_field_names() and str(path[0]) == "spec"


def _branch_hint(root: dict[str, Any], error: ValidationError) -> str | None:
    """The description of the nearest if/then/else branch the error came from (why the rule applies)."""
    parts = list(error.absolute_schema_path)
    nodes = resolve(root, parts)
    for i in reversed(range(min(len(parts), len(nodes)))):
        node = nodes[i]
        if parts[i] in ("then", "else") and isinstance(node, dict) and isinstance(node.get("description"), str):
            return str(node["description"])
    return None


def _closest(word: str, choices: Iterable[str]) -> str | None:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return match[0] if match else None


def _values(error: ValidationError) -> list[Any]:
    """The keyword's value as a list (``required``'s names, ``enum``'s choices)."""
    value: Any = error.validator_value
    return list(value) if isinstance(value, list | tuple) else []


def _type_words(expected: Any) -> str:
    types = expected if isinstance(expected, list) else [expected]
    return " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in types)


class _Mapper:
    def __init__(self, root: dict[str, Any], positions: Positions, document: Any) -> None:
        self.root = root
        self.positions = positions
        self.document = document
        self.out: list[Diagnostic] = []

    def add(self, code: str, message: str, hint: str | None, source: SourceRange) -> None:
        self.out.append(Diagnostic(Severity.ERROR, f"schema.{code}", message, hint, source))

    def map(self, error: ValidationError) -> None:
        parts = list(error.absolute_path)
        path = dotted(parts)
        kind = error.validator
        handler = getattr(self, f"_{kind}", None) if isinstance(kind, str) else None
        if _is_secret(parts) and kind in ("type", "pattern", "minLength"):
            self.add(
                "plaintext-secret", f"secret field {_field(path)} is not SOPS-encrypted",
                encrypt_hint(self.positions.value(path)), self.positions.value(path),
            )
        elif handler is not None:
            handler(error, path)
        else:
            self.add("invalid", f"{_field(path)} is not valid here ({kind})", None, self.positions.value(path))

    def _required(self, error: ValidationError, path: str) -> None:
        instance = error.instance if isinstance(error.instance, dict) else {}
        prefix = f"{path}." if path else ""
        hint = _branch_hint(self.root, error)
        for name in _values(error):
            if name not in instance:
                self.add(
                    "required", f"missing required field `{prefix}{name}`",
                    hint or f"add `{name}` to {_field(path)}", self.positions.key(path),
                )

    def _additionalProperties(self, error: ValidationError, path: str) -> None:
        known = list((error.schema.get("properties") or {}) if isinstance(error.schema, dict) else {})
        instance = error.instance if isinstance(error.instance, dict) else {}
        prefix = f"{path}." if path else ""
        for name in instance:
            if name in known:
                continue
            close = _closest(str(name), known)
            hint = f"did you mean `{close}`?" if close else f"fields allowed here: {', '.join(known)}"
            self.add("unknown-field", f"unknown field `{prefix}{name}`", hint, self.positions.key(prefix + str(name)))

    def _not(self, error: ValidationError, path: str) -> None:
        parent: Any = self.document
        for part in list(error.absolute_path)[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        parent = parent if isinstance(parent, dict) else {}
        because = next(
            (f" with {key}: {parent.get(key, default)}" for key, default in _CONDITIONS if key in parent or default),
            "",
        )
        self.add(
            "not-allowed", f"field {_field(path)} is not allowed{because}",
            _branch_hint(self.root, error), self.positions.key(path),
        )

    def _enum(self, error: ValidationError, path: str) -> None:
        choices = [str(c) for c in _values(error)]
        got = f"; got {_quote(error.instance)}" if isinstance(error.instance, str | int | float) else ""
        close = _closest(str(error.instance), choices) if isinstance(error.instance, str) else None
        hint = f"did you mean `{close}`?" if close else None
        self.add("enum", f"{_field(path)} must be one of: {', '.join(choices)}{got}", hint, self.positions.value(path))

    def _const(self, error: ValidationError, path: str) -> None:
        got = f"; got {_quote(error.instance)}" if isinstance(error.instance, str | int | float) else ""
        self.add("const", f"{_field(path)} must be `{error.validator_value}`{got}", None, self.positions.value(path))

    def _type(self, error: ValidationError, path: str) -> None:
        self.add(
            "type", f"{_field(path)} must be {_type_words(error.validator_value)}", None, self.positions.value(path),
        )

    def _pattern(self, error: ValidationError, path: str) -> None:
        description = error.schema.get("description") if isinstance(error.schema, dict) else None
        if error.validator_value == ENC_PATTERN:  # a secret somewhere unexpected: never quote it
            where = self.positions.value(path)
            self.add("plaintext-secret", f"{_field(path)} is not SOPS-encrypted", encrypt_hint(where), where)
            return
        self.add(
            "pattern", f"{_field(path)} has an invalid value {_quote(error.instance)}",
            str(description) if description else f"must match {error.validator_value}", self.positions.value(path),
        )

    def _length(self, error: ValidationError, path: str, what: str) -> None:
        self.add("length", f"{_field(path)} must have {what} {error.validator_value} characters", None,
                 self.positions.value(path))

    def _minLength(self, error: ValidationError, path: str) -> None:
        self._length(error, path, "at least")

    def _maxLength(self, error: ValidationError, path: str) -> None:
        self._length(error, path, "at most")

    def _range(self, error: ValidationError, path: str, relation: str) -> None:
        where = self.positions.value(path)
        self.add("range", f"{_field(path)} must be {relation} {error.validator_value}", None, where)

    def _exclusiveMinimum(self, error: ValidationError, path: str) -> None:
        self._range(error, path, "greater than")

    def _minimum(self, error: ValidationError, path: str) -> None:
        self._range(error, path, "at least")

    def _maximum(self, error: ValidationError, path: str) -> None:
        self._range(error, path, "at most")


def schema_diagnostics(
    errors: Iterable[ValidationError], root: dict[str, Any], positions: Positions, document: Any
) -> list[Diagnostic]:
    """One diagnostic per offending field of ``document`` (the plain data validated); no ``oneOf`` noise."""
    mapper = _Mapper(root, positions, document)
    for error in sorted(errors, key=lambda e: (len(e.absolute_path), [str(p) for p in e.absolute_path])):
        mapper.map(error)
    unique: dict[Diagnostic, None] = dict.fromkeys(mapper.out)
    return list(unique)
