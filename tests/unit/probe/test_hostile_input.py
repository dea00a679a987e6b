"""Hostile bodies and URLs, without a network: capped decoding, strict JSON, port and control checks."""

from __future__ import annotations

import gzip
import io
import json
import zlib

import pytest

from provisioner.probe.answer import MAX_DEPTH, error_body, parse_json
from provisioner.probe.body import MAX_BODY, read_body
from provisioner.probe.deadline import Deadline
from provisioner.probe.redact import REDACTED, Redactor
from provisioner.probe.target import strip_userinfo, url_problem


class Raw:
    """A raw body stream: urllib3's ``read(amt, decode_content=False)`` over bytes."""

    def __init__(self, data: bytes, fail_after: int | None = None) -> None:
        self._data = io.BytesIO(data)
        self._fail_after = fail_after

    def read(self, amt=None, decode_content=None):
        if self._fail_after is not None and self._data.tell() >= self._fail_after:
            raise ConnectionResetError("reset")
        return self._data.read(amt)


def body_of(data: bytes, encoding: str | None = None, **kwargs):
    with Deadline(30) as deadline:
        return read_body(Raw(data, **kwargs), encoding, deadline)


def test_a_gzip_bomb_is_read_to_the_cap_only():
    bomb = gzip.compress(b"\0" * (16 * 1024 * 1024)) * 64  # 1 GiB of zeros in 64 members
    body = body_of(bomb, "gzip")
    assert not body.complete and len(body.data) == MAX_BODY and "larger than 256 KiB" in (body.problem or "")


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate", "identity", None])
def test_small_compressed_bodies_are_decoded(encoding):
    data = json.dumps({"ok": True}).encode()
    sent = {"gzip": gzip.compress, "x-gzip": gzip.compress, "deflate": zlib.compress}.get(encoding or "", bytes)(data)
    body = body_of(sent, encoding)
    assert body.complete and body.data == data


def test_raw_deflate_and_multi_member_gzip_are_decoded():
    raw = zlib.compressobj(wbits=-15)
    assert body_of(raw.compress(b"[1]") + raw.flush(), "deflate").data == b"[1]"
    assert body_of(gzip.compress(b"[1,") + gzip.compress(b"2]"), "gzip").data == b"[1,2]"


@pytest.mark.parametrize(("sent", "encoding", "problem"), [
    (b"not gzip at all", "gzip", "not valid gzip"),
    (gzip.compress(b"[1, 2, 3]", mtime=0)[:-12], "gzip", "ended before"),
    (b"[1]", "br", "Content-Encoding"),
    (b"[1]", "gzip, deflate", "Content-Encoding"),
])
def test_undecodable_bodies_are_incomplete(sent, encoding, problem):
    body = body_of(sent, encoding)
    assert not body.complete and problem in (body.problem or "")


def test_a_body_cut_short_is_incomplete():
    body = body_of(b'{"a": "' + b"x" * 100000, fail_after=32768)
    assert not body.complete and "closed" in (body.problem or "")


def test_an_oversized_body_is_not_read_whole():
    body = body_of(b" " * (10 * MAX_BODY))
    assert not body.complete and len(body.data) == MAX_BODY


@pytest.mark.parametrize(("data", "problem"), [
    (b"[" * 100_000, "nested deeper"),
    (b"[" * 5_000 + b"]" * 5_000, "nested deeper"),
    (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nested deeper"),
    (b'{"message": "caf\xe9"}', "not UTF-8"),
    (b'{"a": [1, 2', "not a complete JSON document"),
    (b'{"a": 1,, }', "not a complete JSON document"),
    (b"1" * 5000, "not a complete JSON document"),  # more digits than Python converts
    (b"", "empty"),
])
def test_hostile_json_is_refused_without_raising(data, problem):
    parsed = parse_json(data)
    assert not parsed.ok and problem in (parsed.problem or "")


def test_json_within_bounds_is_parsed():
    assert parse_json(b"\xef\xbb\xbf" + b"[" * 10 + b"]" * 10).ok
    assert parse_json(b'{"message": "x"}').value == {"message": "x"}


def test_the_error_body_given_to_the_classifier_is_rebuilt_redacted_and_bounded():
    token = "CANARYdeadbeefcafebabe0123456789"
    raw = json.dumps({"message": "x" * 469 + token + "%1", "parameters": [token, {"nested": [1]}, "\x1b[2J"] * 20,
                      "trace": token}).encode()
    rebuilt = json.loads(error_body(parse_json(raw), Redactor([token])))
    assert set(rebuilt) == {"message", "parameters"}
    assert token not in json.dumps(rebuilt) and REDACTED in rebuilt["message"]
    assert len(rebuilt["parameters"]) <= 32 and "\x1b" not in json.dumps(rebuilt, ensure_ascii=False)
    assert error_body(parse_json(b"[1]"), Redactor([])) == b""


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:99999/rest", "http://127.0.0.1:-1/rest", "http://127.0.0.1:0/rest", "http://[::1/rest",
    "http://host:port/rest", "ftp://host/rest", "http:///rest", "http://host/rest\r\nX-Injected: 1",
    "http://host/re st", "http://host/\u202erest", "http://host/rest\x00",
])
def test_unusable_urls_are_named_not_raised(url):
    assert url_problem(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:65535/rest", "https://shop.example.com/rest", "http://[::1]:80/rest"])
def test_usable_urls_pass(url):
    assert url_problem(url) is None


def test_display_urls_never_raise_and_hide_passwords():
    assert strip_userinfo("https://user:pa@ss@host:99999/rest") == "https://host:99999/rest"
    assert strip_userinfo("http://[::1/rest\x1b[2J") == "http://[::1/rest[2J"
