"""Reading an untrusted JSON file without a hang, a traceback or a surprise value.

A plan file is input from a pipeline artifact: it may be anything. ``read_regular_file`` opens
the path without blocking (a FIFO or ``/dev/zero`` is refused before a byte is read) and reads at
most ``limit`` bytes. ``parse_json`` accepts only strict UTF-8 JSON: no NaN or Infinity, no number
out of range, no duplicate key, no lone surrogate, no nesting deeper than ``MAX_DEPTH``.
Every refusal is a ``JsonInputError`` whose message names the problem, never the file's content.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

MAX_BYTES = 32 * 1024 * 1024  # a plan of 10,000 connections is about 30 MB
MAX_DEPTH = 64  # a plan nests about 8 deep
MAX_NUMBER_CHARS = 40  # far beyond any serial, port or timeout


class JsonInputError(Exception):
    """The input is not acceptable JSON; the message says why (no excerpt of the input)."""


class FileMissing(JsonInputError):
    pass


def read_regular_file(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``limit`` bytes. Never blocks."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FileMissing("no such file") from None
    except OSError as exc:
        raise JsonInputError(f"cannot open it ({exc.strerror or type(exc).__name__})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a device, FIFO or socket"
            raise JsonInputError(f"it is {kind}, not a regular file")
        if info.st_size > limit:
            raise JsonInputError(f"it is {info.st_size} bytes, more than the {limit} a plan file may have")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise JsonInputError(f"it is more than the {limit} bytes a plan file may have")
        return b"".join(chunks)
    except OSError as exc:
        raise JsonInputError(f"cannot read it ({exc.strerror or type(exc).__name__})") from None
    finally:
        os.close(fd)


def _constant(name: str) -> Any:
    raise JsonInputError(f"it holds {name}, which is not a JSON number")


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonInputError(f"it holds a number of {len(text)} characters")
    value = float(text)
    if not math.isfinite(value):
        raise JsonInputError("it holds a number out of range")
    return value


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonInputError(f"it holds a number of {len(text)} characters")
    return int(text)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JsonInputError(f"it holds the key {_quoted(key)} twice in one object")
        out[key] = value
    return out


_PLAIN = re.compile(r"[\w.\-/@:\[\]]{1,80}", re.ASCII)


def printable(text: str) -> str:
    """A key or path from the input, safe to print: as is when plain, else quoted with every control
    character, escape sequence and surrogate escaped (a hostile key cannot forge a line in a CI log)."""
    if _PLAIN.fullmatch(text):
        return text
    return json.dumps(text[:60] + ("…" if len(text) > 60 else ""), ensure_ascii=True)


_quoted = printable


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_tree(value: Any) -> None:
    """Depth and Unicode of every string, iteratively (the tree may be as deep as the parser allowed)."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "")]
    while stack:
        node, depth, where = stack.pop()
        if isinstance(node, dict | list) and depth > MAX_DEPTH:
            raise JsonInputError(f"it is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, dict):
            for key, child in node.items():
                at = f"{where}.{key}" if where else key
                if not _is_unicode(key):
                    raise JsonInputError(f"a key under {_quoted(where or '(top)')} is not valid Unicode "
                                         "(a lone surrogate escape)")
                stack.append((child, depth + 1, at))
        elif isinstance(node, list):
            stack.extend((child, depth + 1, f"{where}[{i}]") for i, child in enumerate(node))
        elif isinstance(node, str) and not _is_unicode(node):
            raise JsonInputError(f"the string at {_quoted(where or '(top)')} is not valid Unicode "
                                 "(a lone surrogate escape)")


def parse_json(data: bytes) -> Any:
    """Strict JSON from UTF-8 bytes, or ``JsonInputError``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonInputError(f"it is not UTF-8 text (invalid byte at offset {exc.start})") from None
    try:
        value = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int,
                           object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        raise JsonInputError(f"it is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise JsonInputError(f"it is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # a number the hooks could not convert
        raise JsonInputError(f"it holds a malformed value ({type(exc).__name__})") from None
    _check_tree(value)
    return value
