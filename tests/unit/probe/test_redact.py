"""Redaction (provisioner/probe/redact.py): every encoding of every secret, before truncation; no
control character or escape sequence survives."""

from __future__ import annotations

import base64
import functools
import html
import importlib
import json
import random
from urllib.parse import quote, quote_plus

import pytest

from provisioner.probe import redact
from provisioner.probe.redact import REDACTED, Redactor, strip_controls
from tests.support.hostile import leaks

redact_module = importlib.import_module("provisioner.probe.redact")  # the package exports the function `redact`

TOKEN = "CANARYdeadbeefcafebabe0123456789"  # 32 characters, as Magento's
SECRET = "CANARYcs+/=&%é ~x0123"


def _plaintext_signature(consumer_secret: str, token_secret: str) -> str:
    """oauth_signature as it appears in the header for PLAINTEXT: the secrets, encoded twice."""
    return quote(quote(consumer_secret, safe="") + "&" + quote(token_secret, safe=""), safe="")


ENCODED = {
    "plain": SECRET,
    "percent": quote(SECRET, safe=""),
    "percent lower-case hex": quote(SECRET, safe="").lower(),
    "percent twice": quote(quote(SECRET, safe=""), safe=""),
    "every byte percent-encoded": "".join(f"%{b:02X}" for b in SECRET.encode()),
    "plus for space": quote_plus(SECRET),
    "base64": base64.b64encode(SECRET.encode()).decode(),
    "base64url": base64.urlsafe_b64encode(SECRET.encode()).decode(),
    "base64 inside a longer text": base64.b64encode(b"Authorization: " + SECRET.encode()).decode(),
    "hex": SECRET.encode().hex(),
    "HEX": SECRET.encode().hex().upper(),
    "JSON": json.dumps(SECRET),
    "JSON, PHP's slashes": json.dumps(SECRET).replace("/", "\\/"),
    "JSON, every character": "".join(f"\\u{ord(c):04x}" for c in SECRET),
    "HTML": html.escape(SECRET),
    "HTML decimal entities": "".join(f"&#{ord(c)};" for c in SECRET),
    "HTML hex entities": "".join(f"&#x{ord(c):X};" for c in SECRET),
    "lower case": SECRET.lower(),
    "upper case": SECRET.upper(),
    "an escape sequence in the middle": SECRET[:9] + "\x1b[0m" + SECRET[9:],
    "a zero-width space in the middle": SECRET[:9] + "\u200b" + SECRET[9:],
}


@pytest.mark.parametrize("form", list(ENCODED.values()), ids=list(ENCODED))
def test_every_encoding_of_a_secret_is_redacted(form):
    cleaned = Redactor([SECRET]).clean(f"echo: {form} end")
    assert REDACTED in cleaned
    assert not leaks(cleaned, [SECRET])


def test_a_plaintext_signature_echoed_from_the_header_is_redacted():
    consumer_secret, token_secret = "CANARYcs&%é+/0123", "CANARYts =&/4567"
    header = f'OAuth oauth_signature="{_plaintext_signature(consumer_secret, token_secret)}"'
    redactor = Redactor([consumer_secret, token_secret, header])
    for echoed in (header, _plaintext_signature(consumer_secret, token_secret),
                   quote(consumer_secret, safe="") + "&" + quote(token_secret, safe=""),
                   base64.b64encode(header.encode()).decode()):
        assert not leaks(redactor.clean(echoed), [consumer_secret, token_secret]), echoed


def test_a_token_at_offset_469_is_redacted_before_truncation():
    """The old order (truncate to 500, then redact) left 31 of 32 characters."""
    cleaned = Redactor([TOKEN]).clean("x" * 469 + TOKEN + " and more", 500)
    assert TOKEN[:8] not in cleaned and cleaned.startswith("x" * 469)
    assert len(cleaned) <= 501


def test_a_secret_cut_by_someone_elses_truncation_is_redacted_at_the_end():
    cleaned = Redactor([TOKEN]).clean("y" * 490 + TOKEN[:10])
    assert cleaned == "y" * 490 + REDACTED


def test_part_of_a_secret_in_the_middle_of_a_text_is_redacted():
    cleaned = Redactor([TOKEN]).clean(f"token {TOKEN[5:20]} is unknown")
    assert TOKEN[5:20] not in cleaned and "is unknown" in cleaned


def test_ordinary_text_is_left_alone():
    text = "The signature is invalid. Verify and try again."
    assert Redactor([TOKEN, SECRET]).clean(text) == text
    assert Redactor([]).clean(text) == text


def test_short_values_are_not_redacted_everywhere():
    assert Redactor(["ab", ""]).clean("a b ab abc") == "a b ab abc"


@pytest.mark.parametrize("hostile", [
    "\x1b[2J\x1b[H\r\nfake: applied create connection/evil | test: ok",
    "\x1b]0;title\x07ok\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
    "line\rover\nwritten\x85\u2028\u2029",
    "\u202eevil\u202c \ufeffbom \x00nul \x7fdel \x9b31m",
    "lone \ud800 surrogate",
])
def test_no_control_character_or_escape_sequence_survives(hostile):
    cleaned = Redactor([TOKEN]).clean(hostile)
    assert all(c.isprintable() for c in cleaned), repr(cleaned)
    cleaned.encode("utf-8")  # printable to any UTF-8 stream (a lone surrogate is not)


def test_a_forged_log_line_stays_on_one_line():
    cleaned = strip_controls("\x1b[2J\r\nfake: applied create x | test: ok\r\n")
    assert cleaned.strip() == "fake: applied create x | test: ok"


def test_a_pem_key_is_redacted_line_by_line():
    pem = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(["MIIEv" + "A" * 59 + str(i) for i in range(5)]) + "\n-----END"
    cleaned = Redactor([pem]).clean(json.dumps({"key": pem}))
    assert "MIIEv" not in cleaned


def test_the_compatible_function_keeps_its_contract():
    assert redact("sig=abc+def/ghi& and abc%2Bdef%2Fghi and short", ["abc+def/ghi", "ab"]) == (
        "sig=[redacted]& and [redacted] and short")
    assert redact(None, ["x"]) is None
    assert redact("", ["x"]) == ""


def test_a_long_hostile_text_is_redacted_in_linear_time():
    """Literal search, no backtracking: a text built to make a regex backtrack costs nothing special."""
    text = ("%25" * 20000) + ("%2525" * 20000) + "%25x"
    assert Redactor([SECRET]).clean(text, 100).endswith("…")
    assert Redactor(["%25%25%25%25%25x"]).clean(text, 100).startswith(REDACTED)  # a part of it is everywhere


# --- the redactor before its forms were indexed (kept as the reference the fast one must equal) ---

@functools.cache
def _reference_piece_forms(piece: str, whole: bool, windowed: bool = True) -> tuple[str, ...]:
    forms = redact_module.literal_forms(piece, whole=whole)
    if windowed and whole and redact_module.WINDOW < len(piece) <= redact_module._WINDOWED:
        for start in range(len(piece) - redact_module.WINDOW + 1):
            forms |= redact_module.literal_forms(piece[start:start + redact_module.WINDOW])
    return tuple(sorted({f.lower() for f in forms}, key=lambda f: (-len(f), f)))


class _ReferenceRedactor(Redactor):
    """Every form searched for one by one, every form's tail tried (O(forms x text))."""

    def _all_forms(self) -> list[str]:
        return [f for piece, whole, windowed in self._pieces for f in _reference_piece_forms(piece, whole, windowed)]

    def redact(self, text: str) -> str:
        if not text or not self._pieces:
            return text
        out: list[str] = []
        done = 0
        for start, end in redact_module._spans(text, self._all_forms()):
            out += [text[done:start], REDACTED]
            done = end
        return "".join(out) + text[done:]

    def _redact_tail(self, text: str) -> str:
        folded = text.lower()
        if len(folded) != len(text):
            folded = text
        longest = max((redact_module._tail_length(folded, f) for f in self._all_forms()), default=0)
        return text[: len(text) - longest] + REDACTED if longest else text


_CHARS = "abcdefXYZ0123456789+/=&%~ -_.é€ßİ😀\"'<>\\"
_ENCODINGS = (
    lambda s: s, lambda s: quote(s, safe=""), lambda s: quote(quote(s, safe=""), safe=""),
    quote_plus, lambda s: "".join(f"%{b:02X}" for b in s.encode()),
    lambda s: base64.b64encode(s.encode()).decode(), lambda s: base64.urlsafe_b64encode(b"x" + s.encode()).decode(),
    lambda s: s.encode().hex(), json.dumps, lambda s: json.dumps(s).replace("/", "\\/"),
    lambda s: "".join(f"\\u{ord(c):04x}" for c in s), html.escape, lambda s: s.upper(),
    lambda s: "".join(f"&#{ord(c)};" for c in s), lambda s: "".join(f"&#x{ord(c):X};" for c in s),
)


def _random_secret(rng) -> str:
    length = rng.choice([4, 5, 8, 9, 16, 32, 32, 44, 128, 129, 300])
    alphabet = rng.choice([_CHARS, "abcdefghijklmnopqrstuvwxyz0123456789"])
    return "".join(rng.choice(alphabet) for _ in range(length))


def _random_text(rng, secrets: list[str]) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(0, 8)):
        kind = rng.random()
        secret = rng.choice(secrets)
        if kind < 0.4:
            parts.append(rng.choice(_ENCODINGS)(secret))
        elif kind < 0.7:  # a part of a secret, encoded
            start = rng.randrange(len(secret))
            parts.append(rng.choice(_ENCODINGS)(secret[start:start + rng.randint(1, 20)]))
        else:
            parts.append("".join(rng.choice(_CHARS + "     ") for _ in range(rng.randint(0, 60))))
    text = rng.choice(["", " ", ": ", "%25"]).join(parts)
    return text[: rng.randint(0, len(text))] if rng.random() < 0.3 else text  # cut in a secret's middle


def test_the_forms_of_a_piece_equal_the_reference():
    rng = random.Random(1616)
    for _ in range(200):
        piece = _random_secret(rng)
        piece = piece[:5] + "\n\t" + piece[5:] if rng.random() < 0.3 else piece  # a multi-line value
        for whole in (True, False):
            for windowed in (True, False):
                assert (redact_module._piece_forms(piece, whole, windowed)
                        == _reference_piece_forms(piece, whole, windowed)), piece


def test_the_indexed_redactor_equals_the_reference_on_random_texts():
    rng = random.Random(16)
    for _ in range(40):
        secrets = [_random_secret(rng) for _ in range(rng.randint(1, 3))]
        sent = [_random_secret(rng) for _ in range(rng.randint(0, 2))] + secrets[:1]  # a sent copy of a secret too
        fast, reference = Redactor(secrets, sent=sent), _ReferenceRedactor(secrets, sent=sent)
        for _ in range(6):
            text = _random_text(rng, secrets + sent)
            limit = rng.choice([None, 10, 50, 300])
            assert fast.clean(text, limit) == reference.clean(text, limit), (secrets, text, limit)
            assert fast.redact(text) == reference.redact(text), (secrets, text)


def test_nothing_is_built_before_there_is_text_to_clean(monkeypatch):
    built: list[object] = []
    original = redact_module._Forms
    monkeypatch.setattr(redact_module, "_Forms", lambda pieces: built.append(pieces) or original(pieces))
    redact_module._forms_of.cache_clear()
    redactor = Redactor(["CANARYneverbuilt0123456789abcdef"])
    assert redactor.clean("") == "" and redactor.clean_optional(None) is None and redactor.clean("\x1b[0m\x00") == ""
    assert built == []
    assert redactor.clean("x CANARYneverbuilt0123456789abcdef") == "x " + REDACTED and len(built) == 1
    assert redactor.clean("x CANARYneverbuilt0123456789abcdef") == "x " + REDACTED and len(built) == 1


def test_a_sent_value_is_redacted_whole_in_every_encoding_but_not_in_parts():
    """A signature (``sent``) gives nothing away in part; a secret does, even when it was also sent."""
    secret, signature = "tokenSECRET0123456789abcdefghij", "sigZZ9+/yy8=qq7wwVV6uu5ttSS4rrRR3pp"
    redactor = Redactor([secret], sent=[signature, secret])
    assert redactor.clean(f"echo {quote(quote(signature, safe=''), safe='')} end") == f"echo {REDACTED} end"
    encoded = base64.b64encode(signature.encode()).decode()
    assert redactor.clean(f"echo {encoded} end").startswith(f"echo {REDACTED}")  # its core: the last byte may stay
    assert redactor.clean(f"part {signature[5:20]} end") == f"part {signature[5:20]} end"  # not a secret's part
    assert redactor.clean(f"part {secret[5:20]} end") == f"part {REDACTED} end"  # the secret keeps its windows
