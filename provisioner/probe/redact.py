"""Make server text safe to print: no secret in any encoding, no control character, bounded length.

A server (or anything between it and us) may echo what we sent: the access token, a
PLAINTEXT signature (consumer secret & token secret, percent-encoded twice in the header),
the whole Authorization header, re-encoded in any way. ``Redactor(secrets).clean(text, limit)``
is the one way server text reaches a ``ProbeResult``:

1. strip escape sequences and control characters (so an echo cannot forge a line in a CI log,
   and a secret cannot hide behind an ``ESC[0m`` in its middle);
2. replace every secret, in every encoding we know of, by ``[redacted]``, in any case: as is,
   percent-encoded once, twice or three times (oauthlib's, PHP's and ``+``-for-space variants,
   every byte), each of those JSON-escaped (with PHP's ``\\/``) or HTML-escaped; every character as
   a JSON ``\\u`` escape or an HTML entity; base64/base64url (at each of the three byte alignments,
   so inside a longer encoded text too) and hex. The forms are literal strings, indexed by their
   first characters and compared where the text has those: linear in the text, nothing a hostile
   text could make backtrack (and built only when there is text to clean);
   so is any run of WINDOW characters of a secret (a server may show part of one);
3. only then truncate to ``limit``, and redact a secret's beginning left at the end of the text
   by any truncation (ours or the caller's).
"""

from __future__ import annotations

import base64
import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus

REDACTED = "[redacted]"
MIN_SECRET = 4  # shorter values would redact ordinary words; Magento's secrets are 32 characters
MIN_TAIL = 4  # a secret's beginning this long, at the end of a truncated text, is redacted
_LONG_SECRET = 256  # a longer multi-line secret (a PEM key) is redacted line by line
WINDOW = 8  # any run of this many characters of a secret (in any encoding) is redacted too
_WINDOWED = 128  # secrets up to this long (keys, tokens, signatures; not a whole header) get windows

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI: colours, cursor moves, ESC[2J
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, SOS, PM, APC up to BEL/ST
    r"|\x1b[ -/]*[0-~]?"  # any other escape sequence, or a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # 8-bit CSI
)
_LINE_BREAKS = re.compile(r"[\t\n\v\f\r\x85\u2028\u2029]+")
_SPACES = re.compile(r" {2,}")


def strip_controls(text: str) -> str:
    """``text`` without escape sequences or control/format characters; line breaks become a space."""
    text = _LINE_BREAKS.sub(" ", _ESCAPES.sub("", text))
    if text.isascii() and text.isprintable():  # no Cc, Cf or Cs character: nothing to look at one by one
        return _SPACES.sub(" ", text)
    kept: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs":
            kept.append("\ufffd")  # a lone surrogate cannot even be printed
        elif category not in ("Cc", "Cf"):
            kept.append(char)
    return _SPACES.sub(" ", "".join(kept))


def _percent_all(text: str) -> str:
    return "".join(f"%{b:02x}" for b in text.encode("utf-8", "surrogatepass"))


def _php_urlencode(text: str) -> str:
    return quote_plus(text, safe="").replace("~", "%7E")


_URL_FORMS: tuple[Callable[[str], str], ...] = (
    lambda s: s,
    lambda s: quote(s, safe=""),  # oauthlib, rawurlencode
    lambda s: quote(quote(s, safe=""), safe=""),  # a PLAINTEXT signature in the header
    lambda s: quote(quote(quote(s, safe=""), safe=""), safe=""),
    lambda s: quote(s, safe="/"),
    lambda s: quote_plus(s, safe=""),
    _php_urlencode,
    _percent_all,
)
_TEXT_FORMS: tuple[Callable[[str], str], ...] = (
    lambda s: s,
    lambda s: json.dumps(s)[1:-1],
    lambda s: json.dumps(s)[1:-1].replace("/", "\\/"),  # PHP's json_encode escapes slashes
    lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
    lambda s: html.escape(s, quote=True),
    lambda s: html.escape(s, quote=False),
)


def _char_forms(text: str) -> set[str]:
    """Every character escaped (JSON ``\\u``, HTML decimal and hex entities)."""
    return {
        "".join(f"\\u{ord(c):04x}" if ord(c) < 0x10000 else c for c in text),
        "".join(f"&#{ord(c)};" for c in text),
        "".join(f"&#x{ord(c):x};" for c in text),
    }


def _base64_cores(data: bytes) -> set[str]:
    """The part of base64(``data``) that does not depend on what precedes it, at offsets 0, 1, 2 mod 3."""
    cores: set[str] = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + data).decode("ascii")
        start = -(-8 * shift // 6)
        end = (8 * (shift + len(data))) // 6
        for core in (encoded[start:end], encoded[start:end].replace("+", "-").replace("/", "_")):
            if len(core) >= MIN_SECRET * 4 // 3:
                cores.add(core)
    return cores


def _pieces(secrets: Iterable[str]) -> list[tuple[str, bool]]:
    """(piece, whole) pairs, longest first; a long multi-line secret (a PEM key) is split into its lines."""
    pieces: dict[str, bool] = {}
    for secret in secrets:
        whole = len(secret) <= _LONG_SECRET or "\n" not in secret.strip()  # a long header stays whole
        for part in ([secret] if whole else secret.splitlines()):
            if len("".join(part.split())) >= MIN_SECRET:
                pieces[part.strip()] = pieces.get(part.strip(), False) or whole
    return sorted(pieces.items(), key=lambda item: (-len(item[0]), item[0]))


def literal_forms(secret: str, *, whole: bool = True) -> set[str]:
    """Every encoding of ``secret`` that is redacted (compared without regard to case).

    ``whole``: a value that is sent (base64 and hex forms too); a PEM key's line is never sent.
    """
    forms = {text(url(secret)) for url in _URL_FORMS for text in _TEXT_FORMS}
    forms |= _char_forms(secret) | {" ".join(secret.split())}  # as strip_controls leaves it
    if whole:
        raw = secret.encode("utf-8", "surrogatepass")
        forms |= _base64_cores(raw) | {raw.hex()}
    return {f for f in forms if len(f) >= MIN_SECRET}


def _compose(outer: Callable[[str], str], inner: Callable[[str], str]) -> Callable[[str], str]:
    return lambda s: outer(inner(s))


# the encodings of ``literal_forms`` that encode a text character by character (the encoding of a
# text is the concatenation of its characters' encodings), in a fixed order
_BY_CHARACTER: tuple[Callable[[str], str], ...] = (
    *(_compose(text, url) for url in _URL_FORMS for text in _TEXT_FORMS),
    lambda c: f"\\u{ord(c):04x}" if ord(c) < 0x10000 else c,  # as _char_forms
    lambda c: f"&#{ord(c)};",
    lambda c: f"&#x{ord(c):x};",
    lambda c: c.encode("utf-8", "surrogatepass").hex(),  # last: only for a whole value (literal_forms)
)


@lru_cache(maxsize=4096)
def _char_images(char: str) -> tuple[str, ...]:
    """``char`` in each of ``_BY_CHARACTER``."""
    return tuple(encode(char) for encode in _BY_CHARACTER)


def _window_forms(piece: str, columns: set[tuple[str, ...]]) -> set[str]:
    """The union of ``literal_forms`` of every WINDOW characters of ``piece`` (``columns``: its characters in
    each encoding of ``_BY_CHARACTER``): joins of each character's encodings, not each window encoded again."""
    starts = range(len(piece) - WINDOW + 1)
    forms: set[str] = set()
    for images in columns:
        forms.update("".join(images[start:start + WINDOW]) for start in starts)
    forms.update(" ".join(piece[start:start + WINDOW].split()) for start in starts)
    forms |= _window_base64_cores(piece)
    return {f for f in forms if len(f) >= MIN_SECRET}


def _window_base64_cores(piece: str) -> set[str]:
    """The union of ``_base64_cores`` of every WINDOW characters of ``piece``, cut out of ``piece``'s own
    base64 at the three alignments: a window whose bytes start at byte ``at`` and are at ``shift`` mod 3 in
    its own encoding sits at byte ``shift + 3 * m`` of the encoding shifted by ``(shift - at) % 3``, so its
    core is the same characters, ``4 * m`` further on."""
    raw = piece.encode("utf-8", "surrogatepass")
    encoded = [base64.b64encode(b"\0" * shift + raw).decode("ascii") for shift in range(3)]
    url_safe = [text.replace("+", "-").replace("/", "_") for text in encoded]
    offsets = [0]
    for char in piece:
        offsets.append(offsets[-1] + len(char.encode("utf-8", "surrogatepass")))
    cores: set[str] = set()
    for start in range(len(piece) - WINDOW + 1):
        at, length = offsets[start], offsets[start + WINDOW] - offsets[start]
        for shift in range(3):
            which = (shift - at) % 3
            moved = 4 * ((which + at - shift) // 3)
            begin, end = -(-8 * shift // 6) + moved, (8 * (shift + length)) // 6 + moved
            if end - begin >= MIN_SECRET * 4 // 3:
                cores |= {encoded[which][begin:end], url_safe[which][begin:end]}
    return cores


def _piece_forms(piece: str, whole: bool, windowed: bool = True) -> tuple[str, ...]:
    """Every encoding of ``piece`` (``literal_forms``), and — when ``windowed`` — of every WINDOW characters of
    it (a server that shows part of a token, as a message cut in its middle does), in lower case, longest first.
    A secret's are cached (it recurs); a sent value's are not (a fresh signature never does)."""
    return _secret_forms(piece, whole) if windowed else _built_forms(piece, whole, windowed=False)


@lru_cache(maxsize=1024)
def _secret_forms(piece: str, whole: bool) -> tuple[str, ...]:
    return _built_forms(piece, whole, windowed=True)


def _built_forms(piece: str, whole: bool, *, windowed: bool) -> tuple[str, ...]:
    columns = list(zip(*(_char_images(c) for c in piece), strict=True))  # one per encoding
    encoded = set(columns if whole else columns[:-1])  # hex (the last) only for a value that is sent
    forms = {"".join(images) for images in encoded} | {" ".join(piece.split())}
    if whole:
        forms |= _base64_cores(piece.encode("utf-8", "surrogatepass"))
    forms = {f for f in forms if len(f) >= MIN_SECRET}
    if windowed and whole and WINDOW < len(piece) <= _WINDOWED:
        forms |= _window_forms(piece, set(columns))
    return tuple(sorted({f.lower() for f in forms}, key=lambda f: (-len(f), f)))


def _spans(text: str, forms: Iterable[str]) -> list[tuple[int, int]]:
    """Where any form occurs in ``text`` (compared in lower case), merged where they overlap.

    Plain substring search: linear, nothing to compile, nothing a hostile text could make backtrack.
    """
    folded = text.lower()
    found: list[tuple[int, int]] = []
    if len(folded) != len(text):  # lower() changed a length (a rare letter): compare case-insensitively
        for form in forms:
            found += [m.span() for m in re.finditer(re.escape(form), text, re.IGNORECASE)]
    else:
        for form in forms:
            at = folded.find(form)
            while at != -1:
                found.append((at, at + len(form)))
                at = folded.find(form, at + 1)
    return _merged(found)


def _merged(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _tail_length(folded: str, form: str) -> int:
    """The length of the longest beginning of ``form`` (at least MIN_TAIL long) that ``folded`` ends with."""
    window = folded[-(len(form) - 1):] if len(form) > 1 else ""
    at = window.find(form[:MIN_TAIL])
    while at != -1:
        if form.startswith(window[at:]):
            return len(window) - at
        at = window.find(form[:MIN_TAIL], at + 1)
    return 0


_KEY = min(MIN_SECRET, MIN_TAIL)  # forms are indexed by their first _KEY characters


class _Forms:
    """Every form of a set of pieces, indexed by its first _KEY characters: a text is searched by looking
    up each of its _KEY-grams once (linear in the text), not by one search of the text per form."""

    def __init__(self, pieces: tuple[tuple[str, bool, bool], ...]) -> None:
        self.forms = tuple(dict.fromkeys(f for piece, whole, windowed in pieces
                                         for f in _piece_forms(piece, whole, windowed)))
        by_prefix: dict[str, list[str]] = {}
        short: list[str] = []  # lower() may in theory leave a form shorter than _KEY: searched one by one
        for form in self.forms:
            if len(form) >= _KEY:
                by_prefix.setdefault(form[:_KEY], []).append(form)
            else:
                short.append(form)
        self.by_prefix = by_prefix
        self.short = tuple(short)
        self.longest = max((len(f) for f in self.forms), default=0)

    def _grams(self, text: str) -> set[str]:
        """The _KEY-grams of ``text`` some form begins with."""
        return {text[i:i + _KEY] for i in range(len(text) - _KEY + 1)} & self.by_prefix.keys()

    def spans(self, text: str) -> list[tuple[int, int]]:
        """``_spans(text, self.forms)``, in one pass over the text."""
        folded = text.lower()
        if len(folded) != len(text):  # lower() changed a length (a rare letter): compare case-insensitively
            return _spans(text, self.forms)
        found: list[tuple[int, int]] = []
        for gram in self._grams(folded):
            candidates = self.by_prefix[gram]
            at = folded.find(gram)
            while at != -1:
                found += [(at, at + len(form)) for form in candidates if folded.startswith(form, at)]
                at = folded.find(gram, at + 1)
        return _merged(found + _spans(text, self.short)) if self.short else _merged(found)

    def tail(self, folded: str) -> int:
        """The longest ``_tail_length`` of any form: only a form whose first MIN_TAIL (so _KEY) characters
        occur in the last ``longest - 1`` characters of ``folded`` can have one."""
        region = folded[-(self.longest - 1):] if self.longest > 1 else ""
        candidates = [f for gram in self._grams(region) for f in self.by_prefix[gram]]
        return max((_tail_length(folded, f) for f in (*candidates, *self.short)), default=0)


@lru_cache(maxsize=64)  # a connection's secrets recur (its recheck, apply's early test); sent values never do
def _forms_of(pieces: tuple[tuple[str, bool, bool], ...]) -> _Forms:
    """Built on the first text to clean, once per set of pieces (and kept by the Redactor)."""
    return _Forms(pieces)


class Redactor:
    """Cleans server text against a fixed set of secrets (their forms built on the first text to clean, cached).

    ``sent``: values a request carried that only matter whole — the Authorization header as sent, an
    HMAC or RSA signature (a PLAINTEXT signature is the secrets themselves: the probe passes it among
    ``secrets``). They get every encoding but no windows: a part of a signature gives nothing away,
    and windowing a fresh signature on every request was most of a connection test's CPU (issue 16).
    The secrets' forms are built once per set and shared.
    """

    def __init__(self, secrets: Iterable[str], sent: Iterable[str] = ()) -> None:
        own = tuple((piece, whole, True) for piece, whole in _pieces(s for s in secrets if s))
        known = {piece for piece, _, _ in own}
        self._groups = tuple(group for group in (own, tuple(
            (piece, whole, False) for piece, whole in _pieces(s for s in sent if s) if piece not in known)) if group)
        self._pieces = tuple(piece for group in self._groups for piece in group)
        self._built: tuple[_Forms, ...] | None = None

    def _forms(self) -> tuple[_Forms, ...]:
        if self._built is None:  # two threads may both build it: the same forms
            self._built = tuple(_forms_of(group) if group[0][2] else _Forms(group) for group in self._groups)
        return self._built

    def redact(self, text: str) -> str:
        """``text`` with every secret, in every known encoding, replaced by ``[redacted]``."""
        if not text or not self._pieces:
            return text
        out: list[str] = []
        done = 0
        for start, end in _merged([span for forms in self._forms() for span in forms.spans(text)]):
            out += [text[done:start], REDACTED]
            done = end
        return "".join(out) + text[done:]

    def _redact_tail(self, text: str) -> str:
        if not text or not self._pieces:
            return text
        folded = text.lower()
        if len(folded) != len(text):
            folded = text
        longest = max(forms.tail(folded) for forms in self._forms())
        return text[: len(text) - longest] + REDACTED if longest else text

    def clean(self, text: str, limit: int | None = None) -> str:
        """Stripped of control characters, redacted, then truncated to ``limit`` characters."""
        text = self.redact(strip_controls(text)).strip()
        if limit is not None and len(text) > limit:
            text = self._redact_tail(text[:limit].rstrip()) + "…"
        return self._redact_tail(text)

    def clean_optional(self, text: str | None, limit: int | None = None) -> str | None:
        return None if text is None else self.clean(text, limit)

    def clean_tree(self, node: Any, limit: int | None = None) -> Any:
        """Every string in a JSON-like tree cleaned (``clean``); keys and other values kept."""
        if isinstance(node, str):
            return self.clean(node, limit)
        if isinstance(node, Mapping):
            return {key: self.clean_tree(value, limit) for key, value in node.items()}
        if isinstance(node, list | tuple):
            return [self.clean_tree(value, limit) for value in node]
        return node


def redact(text: str | None, secrets: Sequence[str]) -> str | None:
    """``text`` with every secret (in every encoding) replaced by ``[redacted]``; ``None`` stays ``None``."""
    if not text:
        return text
    return Redactor(secrets).clean(text)


__all__ = ["REDACTED", "Redactor", "literal_forms", "redact", "strip_controls"]
