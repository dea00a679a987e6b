"""Redaction (provisioner/probe/redact.py): every encoding of every secret, before truncation; no
control character or escape sequence survives."""

from __future__ import annotations

import base64
import html
import json
from urllib.parse import quote, quote_plus

import pytest

from provisioner.probe import redact
from provisioner.probe.redact import REDACTED, Redactor, strip_controls
from tests.support.hostile import leaks

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
