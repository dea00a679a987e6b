"""The excerpts diagnostics may show: only of declaration files, with every secret masked by position.

The loader registers the text of each declaration file it parses (``register``); the renderer asks
for a line (``masked_line``). A file that was never registered (provisioner.yaml, a file outside the
project, one refused before parsing) has no excerpt at all.

Masking works on the YAML events, not on patterns of the line: every scalar that is, or is aliased
into, the value of a secret field — or of a key close to a secret field's name (``accesToken``,
``AccessToken``, ``access_token``) — is masked over its whole source span (next line, block scalar,
complex key, anchor defined elsewhere). A URL with credentials (``https://user:pass@host``) is masked
wherever it is. Only a well-formed SOPS value (``ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]``) is kept.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
)

from provisioner.applications.registry import secret_field_names
from provisioner.declarations.document_data import MAX_DEPTH
from provisioner.declarations.yaml_guard import BoundedScanner
from provisioner.diagnostics import Diagnostics

MASK = "***"
_B64 = r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"  # base64, padded
SOPS_VALUE = re.compile(
    rf"ENC\[AES256_GCM,data:{_B64},iv:(?=[A-Za-z0-9+/]){_B64},tag:(?=[A-Za-z0-9+/]){_B64},"
    r"type:(?:str|int|float|bool|bytes|comment)\]"
)
URL_CREDENTIALS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#\s]*@")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks, as its marks count lines
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


@cache
def _secret_names() -> tuple[str, ...]:
    return tuple(_NOT_ALNUM.sub("", n.lower()) for n in secret_field_names())


def is_secret_like(key: str) -> bool:
    """``key`` is a secret field's name, or close to one (case, separators, a typo)."""
    norm = _NOT_ALNUM.sub("", key.lower())
    return bool(norm) and bool(difflib.get_close_matches(norm, _secret_names(), n=1, cutoff=0.8))


@dataclass
class _Anchored:
    spans: list[tuple[int, int]] = field(default_factory=list)
    refs: list[_Anchored] = field(default_factory=list)


@dataclass
class _Frame:
    mapping: bool
    secret: bool
    anchored: _Anchored | None
    expecting_key: bool = True
    key_secret: bool = False

    def position_secret(self) -> bool:
        return self.secret or (self.mapping and not self.expecting_key and self.key_secret)


class _Spans:
    """A walk over the events of a stream that collects the spans to mask (partial streams too)."""

    def __init__(self) -> None:
        self.masked: list[tuple[int, int]] = []
        self.frames: list[_Frame] = []
        self.anchors: dict[str, _Anchored] = {}
        self.scalar_anchors: dict[str, str] = {}
        self.secret_anchors: list[_Anchored] = []
        self.last = 0  # where the events read so far end

    def _secret_here(self) -> bool:
        return bool(self.frames) and self.frames[-1].position_secret()

    def _at_key(self) -> bool:
        return bool(self.frames) and self.frames[-1].mapping and self.frames[-1].expecting_key

    def _done(self) -> None:
        if self.frames and self.frames[-1].mapping:
            frame = self.frames[-1]
            frame.expecting_key = not frame.expecting_key
            if frame.expecting_key:
                frame.key_secret = False

    def _collect(self, span: tuple[int, int] | None = None, ref: _Anchored | None = None) -> None:
        for f in self.frames:
            if f.anchored is not None:
                if span:
                    f.anchored.spans.append(span)
                if ref:
                    f.anchored.refs.append(ref)

    def event(self, e: Any) -> None:
        if e.end_mark is not None:
            self.last = max(self.last, int(e.end_mark.index))
        if isinstance(e, DocumentStartEvent):
            self.frames, self.anchors, self.scalar_anchors = [], {}, {}
        elif isinstance(e, ScalarEvent):
            self._scalar(e)
        elif isinstance(e, AliasEvent):
            target = self.anchors.get(str(e.anchor))
            if self._at_key():
                self.frames[-1].key_secret = is_secret_like(self.scalar_anchors.get(str(e.anchor), ""))
            elif target is not None and self._secret_here():
                self.secret_anchors.append(target)
            if target is not None:
                self._collect(ref=target)
            self._done()
        elif isinstance(e, CollectionStartEvent):
            anchored = _Anchored() if e.anchor else None
            if anchored is not None:
                self.anchors[str(e.anchor)] = anchored
            self.frames.append(_Frame(isinstance(e, MappingStartEvent), self._secret_here(), anchored))
        elif isinstance(e, CollectionEndEvent) and self.frames:
            self.frames.pop()
            self._done()

    def _scalar(self, e: ScalarEvent) -> None:
        value = str(e.value)
        span = (int(e.start_mark.index), int(e.end_mark.index))
        if self._at_key():
            secret = self.frames[-1].secret
            self.frames[-1].key_secret = is_secret_like(value)
        else:
            secret = self._secret_here() and not SOPS_VALUE.fullmatch(value)
        if secret or URL_CREDENTIALS.match(value.strip()):
            self.masked.append(span)
        self._collect(span=span)
        if e.anchor:
            self.anchors[str(e.anchor)] = _Anchored([span])
            self.scalar_anchors[str(e.anchor)] = value
        self._done()

    def result(self) -> list[tuple[int, int]]:
        out, seen, todo = list(self.masked), set(), list(self.secret_anchors)
        while todo:
            a = todo.pop()
            if id(a) in seen:
                continue
            seen.add(id(a))
            out += a.spans
            todo += a.refs
        return sorted(s for s in out if s[1] > s[0])


def secret_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` to mask; the events before a syntax error count too."""
    walk = _Spans()
    # A broken stream still masks what was read before the break. Past MAX_DEPTH (where the loader
    # stopped reading too) everything is masked: the scanner is slow on deep flow nesting.
    yaml = YAML(typ="rt")
    yaml.Scanner = BoundedScanner
    with contextlib.suppress(YAMLError, ValueError, TypeError, RecursionError):
        try:
            for e in yaml.parse(text):
                walk.event(e)
                if len(walk.frames) > MAX_DEPTH:
                    raise MaxDepthExceededError(None, None, "too deep", e.start_mark)
        except MaxDepthExceededError:
            walk.masked.append((walk.last, len(text)))  # not walked: masked whole
    return walk.result()


@dataclass
class _Source:
    digest: bytes  # of the text as parsed: the text itself is read again only when a line is shown
    text: str | None = None
    spans: list[tuple[int, int]] | None = None
    lines: list[tuple[int, int]] | None = None


_SOURCES: dict[str, _Source] = {}


def register(file: Path, text: str) -> None:
    """``text`` is the declaration file ``file`` as parsed: diagnostics about it may show its lines.

    Only a digest is kept (10,000 files held their text for nothing, issue 16); ``masked_line`` reads the
    file again and shows it only if it is still exactly what was parsed."""
    _SOURCES[str(file)] = _Source(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())


def _text_of(file: str, src: _Source) -> str | None:
    if src.text is None:
        from provisioner.declarations.yaml_source import read_bytes  # noqa: PLC0415 - it registers files here

        data = read_bytes(Path(file), Diagnostics())  # as the loader reads: a regular file, bounded, no FIFO
        if data is None or hashlib.sha256(data).digest() != src.digest:
            return None  # gone, or changed since it was parsed: its lines are not the ones the positions point at
        src.text = data.decode("utf-8")  # it decoded when it was parsed, and it is the same bytes
    return src.text


def _lines(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in _LINE_BREAK.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return out


def masked_line(file: str, line: int, column: int) -> tuple[str, int] | None:
    """Line ``line`` (1-based) of a registered declaration file with secrets masked, and where
    ``column`` (1-based) now is; ``None`` for a file that is not a registered declaration."""
    src = _SOURCES.get(file)
    if src is None or line <= 0:
        return None
    text = _text_of(file, src)
    if text is None:
        return None
    if src.lines is None:
        src.lines, src.spans = _lines(text), secret_spans(text)
    if line > len(src.lines):
        return None
    start, end = src.lines[line - 1]
    pieces: list[str] = []
    pos, caret, new_caret = start, start + max(column - 1, 0), -1
    indent = len(text[start:end]) - len(text[start:end].lstrip())
    for span_start, span_end in src.spans or []:
        # a span from an earlier line keeps this line's indentation
        s = max(span_start if span_start >= start else start + indent, pos)
        e = min(span_end, end)
        if s >= e:
            continue
        done = sum(len(p) for p in pieces)
        if new_caret < 0 and caret < e:
            new_caret = done + (caret - pos if caret < s else s - pos)
        pieces += [text[pos:s], MASK]
        pos = e
    if new_caret < 0:
        new_caret = sum(len(p) for p in pieces) + max(caret - pos, 0)
    pieces.append(text[pos:end])
    return "".join(pieces), new_caret + 1
