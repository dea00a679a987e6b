"""The leak scanner: every encoding of every canary, and of every 12-character window of it, in any bytes.

``Canary(label, value)`` is one secret to look for; ``label`` names it in a finding (``hmac-sha256
consumerSecret``), the value never appears in one. ``LeakScanner(canaries).scan(where, data)`` returns a
``Finding(where, label, encoding, offset)`` for each place a form of a canary occurs in ``data``, compared
without regard to ASCII case.

The forms of a text: as is; percent-encoded once, twice and three times (every byte, ``+`` for space,
PHP's ``~``), in lower and upper case hex; base64 and base64url at each of the three byte alignments (the
characters that depend on the text alone, so inside a longer encoded text too); hex; JSON-escaped (with
PHP's ``\\/``) and every character as ``\\u`` escape; HTML-escaped, and as decimal and hex entities; plus
every encoding the hostile endpoint uses (``tests.support.hostile.ENCODINGS``), by construction. Forms
are made for the whole value and for each ``WINDOW`` characters of it, so a truncated echo (31 of 32
characters) is found too; long values (a PEM key) are windowed every ``STEP_LONG`` characters, which
finds any run of WINDOW + STEP_LONG - 1 characters of them. Binary canaries (the state key and the keys
derived from it) are searched raw, hex and base64.

Written apart from the product's redactor on purpose: a shared bug would hide itself. All forms are
indexed by their first WINDOW bytes: a scan is one pass over the data's WINDOW-grams.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

from tests.support.hostile import ENCODINGS as ENDPOINT_ENCODINGS

WINDOW = 12
STEP_LONG = 4  # windows of a long canary (a PEM key) and of a binary one start every this many characters
LONG = 128
CHUNK = 1 << 18  # bytes of data whose WINDOW-grams are collected at once


def _percent_all(s: str) -> str:
    return "".join(f"%{b:02X}" for b in s.encode())


TEXT_ENCODINGS: dict[str, Callable[[str], str]] = {
    "plain": lambda s: s,
    "percent": lambda s: quote(s, safe=""),
    "percent-keep-slash": lambda s: quote(s, safe="/"),
    "percent-twice": lambda s: quote(quote(s, safe=""), safe=""),
    "percent-thrice": lambda s: quote(quote(quote(s, safe=""), safe=""), safe=""),
    "percent-all": _percent_all,
    "percent-all-twice": lambda s: quote(_percent_all(s), safe=""),
    "plus": lambda s: quote_plus(s, safe=""),
    "php-urlencode": lambda s: quote_plus(s, safe="").replace("~", "%7E"),
    "json": lambda s: json.dumps(s)[1:-1],
    "json-php": lambda s: json.dumps(s)[1:-1].replace("/", "\\/"),
    "json-of-percent": lambda s: json.dumps(quote(s, safe=""))[1:-1],
    "json-all": lambda s: "".join(f"\\u{ord(c):04x}" for c in s),
    "html": lambda s: html.escape(s, quote=True),
    "html-noquote": lambda s: html.escape(s, quote=False),
    "html-decimal": lambda s: "".join(f"&#{ord(c)};" for c in s),
    "html-hex": lambda s: "".join(f"&#x{ord(c):x};" for c in s),
    "html-of-percent-twice": lambda s: html.escape(quote(quote(s, safe=""), safe="")),
    "hex": lambda s: s.encode().hex(),
    "whitespace-joined": lambda s: "".join(s.split()),  # a PEM key with its line breaks gone
    **{f"endpoint-{name}": encode for name, encode in ENDPOINT_ENCODINGS.items()
       if name not in ("ansi-split", "base64", "base64url")},  # base64 at every alignment below
}


LONG_WINDOW_ENCODINGS = ("plain", "percent", "percent-twice", "json-php", "percent-all")


def base64_cores(data: bytes) -> set[str]:
    """The characters of base64(``data``) that depend on ``data`` alone, at byte offsets 0, 1 and 2 mod 3."""
    cores: set[str] = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + data).decode()
        core = encoded[-(-8 * shift // 6):(8 * (shift + len(data))) // 6]
        cores |= {core, core.replace("+", "-").replace("/", "_")}
    return cores


@dataclass(frozen=True)
class Canary:
    label: str  # names the canary in a finding; never its value
    value: str | bytes  # bytes: a binary key (searched raw, hex and base64)
    windows: bool = True  # also each WINDOW characters of it (False: only the whole value, in every encoding)

    def __repr__(self) -> str:
        return f"Canary({self.label!r})"


@dataclass(frozen=True)
class Finding:
    where: str
    label: str
    encoding: str
    offset: int

    def __str__(self) -> str:
        return f"{self.where}: {self.label} as {self.encoding} at offset {self.offset}"


def _encoded(text: str, forms: dict[bytes, str], names: Iterable[str] | None = None) -> None:
    for name in names if names is not None else TEXT_ENCODINGS:
        forms.setdefault(TEXT_ENCODINGS[name](text).encode("utf-8", "surrogatepass"), name)
    if names is None:
        for core in base64_cores(text.encode()):
            forms.setdefault(core.encode(), "base64")


def _text_forms(value: str) -> dict[bytes, str]:
    """A short value: itself and each WINDOW characters of it, in every encoding. A long one (a PEM key): the
    whole and each line in every encoding, and every STEP_LONG-th WINDOW of its text without line breaks in
    the encodings that change its characters (base64 text: ``+ / =``)."""
    forms: dict[bytes, str] = {}
    if len(value) <= LONG:
        _encoded(value, forms)
        for i in range(len(value) - WINDOW + 1):
            _encoded(value[i:i + WINDOW], forms)
        return forms
    lines = [line.strip() for line in value.splitlines() if "-----" not in line]  # not a PEM's BEGIN/END
    for piece in [value, *lines]:
        if len(piece) >= WINDOW:
            _encoded(piece, forms)
    joined = "".join(lines)
    for i in range(0, len(joined) - WINDOW + 1, STEP_LONG):
        _encoded(joined[i:i + WINDOW], forms, LONG_WINDOW_ENCODINGS)
    return forms


def _binary_forms(value: bytes) -> dict[bytes, str]:
    forms: dict[bytes, str] = {}
    size = min(WINDOW, len(value))
    for i in range(0, len(value) - size + 1, STEP_LONG):
        window = value[i:i + size]
        forms.setdefault(window, "raw bytes")
        forms.setdefault(window.hex().encode(), "hex")
        for core in base64_cores(window):
            forms.setdefault(core.encode(), "base64")
    return forms


class LeakScanner:
    """``common``: texts whose parts are not distinctive (another RSA key: the DER structure every key shares)."""

    def __init__(self, canaries: Iterable[Canary], common: Iterable[bytes] = ()) -> None:
        # every form is at least WINDOW bytes long: its first WINDOW bytes (lower case) index it
        self._by_prefix: dict[bytes, list[tuple[bytes, str, str]]] = {}
        shared = b"\n".join(c.lower() for c in common)
        for canary in canaries:
            if isinstance(canary.value, bytes):
                forms = _binary_forms(canary.value)
            elif canary.windows:
                forms = _text_forms(canary.value)
            else:
                forms = {}
                _encoded(canary.value, forms)
            for form, encoding in forms.items():
                if len(form) >= WINDOW and form.lower() not in shared:
                    key = form.lower()
                    self._by_prefix.setdefault(key[:WINDOW], []).append((key, canary.label, encoding))

    def scan(self, where: str, data: bytes | str) -> list[Finding]:
        """Every (canary, encoding) found in ``data``, with the offset of its first occurrence."""
        raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
        low = raw.lower()
        found: dict[tuple[str, str], Finding] = {}
        for start in range(0, max(len(low) - WINDOW + 1, 0), CHUNK):
            chunk = low[start:start + CHUNK + WINDOW - 1]
            grams = {chunk[i:i + WINDOW] for i in range(len(chunk) - WINDOW + 1)}
            for gram in grams & self._by_prefix.keys():
                at = chunk.find(gram)
                while at != -1:
                    for form, label, encoding in self._by_prefix[gram]:
                        seen = found.get((label, encoding))
                        if low.startswith(form, start + at) and (seen is None or start + at < seen.offset):
                            # the earliest occurrence, whatever order the set of grams is walked in
                            found[(label, encoding)] = Finding(where, label, encoding, start + at)
                    at = chunk.find(gram, at + 1)
        return sorted(found.values(), key=lambda f: (f.offset, f.label, f.encoding))
