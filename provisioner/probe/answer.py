"""From what the server sent to what the response classifier is allowed to see.

The classifier (the application's: Magento's error templates) reads the status, the
content type, a JSON body's ``message`` and ``parameters``, and the ``Location`` header.
Everything it is given is server text made safe first: the JSON is parsed here, strictly
(UTF-8, a nesting bound, no oversized numbers), and rebuilt with only those two fields,
each string redacted and bounded; headers are redacted, stripped and bounded. So no
secret reaches the classifier's own truncation, and no hostile body can make it raise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from provisioner.probe.redact import Redactor

MAX_DEPTH = 64
MAX_TEMPLATE = 1000
MAX_PARAMETER = 300
MAX_PARAMETERS = 32
MAX_HEADER = 300


@dataclass(frozen=True)
class ParsedJson:
    value: object
    problem: str | None  # None: a complete, valid JSON document

    @property
    def ok(self) -> bool:
        return self.problem is None


def _too_deep(value: object) -> bool:
    todo: list[tuple[object, int]] = [(value, 1)]
    while todo:
        current, depth = todo.pop()
        children: list[object] = []
        if isinstance(current, dict):
            children = list(current.values())
        elif isinstance(current, list):
            children = current
        if children and depth >= MAX_DEPTH:
            return True
        todo.extend((child, depth + 1) for child in children)
    return False


def parse_json(data: bytes) -> ParsedJson:
    """``data`` as one complete JSON document, or why it is not one (never raises)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ParsedJson(None, "the body is not UTF-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return ParsedJson(None, "the body is empty")
    try:
        value = json.loads(text)
    except RecursionError:
        return ParsedJson(None, f"the JSON is nested deeper than {MAX_DEPTH} levels")
    except ValueError:  # includes integers longer than Python's digit limit
        return ParsedJson(None, "the body is not a complete JSON document")
    if _too_deep(value):
        return ParsedJson(None, f"the JSON is nested deeper than {MAX_DEPTH} levels")
    return ParsedJson(value, None)


def _scalar(value: object, redactor: Redactor) -> str | None:
    if isinstance(value, str | int | float | bool) or value is None:
        text = value if isinstance(value, str) else json.dumps(value)
        return redactor.clean(text, MAX_PARAMETER)
    return None  # Magento's parameters are scalars; anything nested is dropped


def error_body(parsed: ParsedJson, redactor: Redactor) -> bytes:
    """A JSON error body holding only a redacted ``message`` and ``parameters`` (``b""`` for none)."""
    value = parsed.value
    if not parsed.ok or not isinstance(value, dict) or not isinstance(value.get("message"), str):
        return b""
    rebuilt: dict[str, object] = {"message": redactor.clean(value["message"], MAX_TEMPLATE)}
    parameters = value.get("parameters")
    if isinstance(parameters, list):
        rebuilt["parameters"] = [_scalar(v, redactor) or "" for v in parameters[:MAX_PARAMETERS]]
    elif isinstance(parameters, dict):
        kept: dict[str, str] = {}
        for key, item in list(parameters.items())[:MAX_PARAMETERS]:
            text = _scalar(item, redactor)
            if text is not None:
                kept[redactor.clean(str(key), MAX_PARAMETER)] = text
        rebuilt["parameters"] = kept
    return json.dumps(rebuilt).encode("utf-8")


def safe_header(value: str | None, redactor: Redactor, limit: int = MAX_HEADER) -> str | None:
    """A header value fit to appear in a message: redacted, stripped of control characters, bounded."""
    if value is None:
        return None
    return redactor.clean(value, limit)
