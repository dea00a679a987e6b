"""Fuzzing the response classifier: arbitrary status, headers and bodies (huge and deeply nested JSON,
invalid UTF-8, control characters, echoed secrets, compressed or not), classified directly and over a
real loopback socket through the whole probe.

Properties: the classifier always returns a class (neither of the probe's nets for a bug shows: "the
test failed unexpectedly", "the answer could not be understood"), no case hangs (a hang guard on
each), the message and hint hold no control character and no secret. A few hundred examples by
default, 10,000 with ``PROVISIONER_LONG=1`` (tests/support/fuzz.py).
"""

from __future__ import annotations

import gzip
import io
import json
import re
import socket
import threading
import time
import zlib
from collections.abc import Iterator

import pytest
import requests
from hypothesis import event, given
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from provisioner.applications.magento2 import errors as me
from provisioner.probe import Outcome, ProbeResult, probe
from provisioner.probe.body import read_body
from provisioner.probe.deadline import Deadline
from provisioner.probe.probe import _classified
from provisioner.probe.redact import Redactor
from provisioner.probe.session_pool import SessionPool
from tests.support.fuzz import FUZZ, hang_guard
from tests.support.hostile import LeakScanner
from tests.support.magento import Creds, key_pair, target, token

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
CREDS = Creds(token(), "CANARYcs" + token()[:12] + "+/=&", "CANARYat" + token()[:24], "CANARYts" + token()[:12] + "%é",
              key_pair())
SECRETS = [CREDS.consumer_secret, CREDS.access_token, CREDS.token_secret]
SCANNER = LeakScanner(SECRETS)

texts = (st.text(max_size=80) | st.sampled_from([*SECRETS, "\x1b[2J\r\nfake: applied | test: ok", "%1 %2 %resources",
                                                 me.NOT_AUTHORIZED, me.INVALID_SIGNATURE, me.UNSUPPORTED_METHOD,
                                                 "\ud800", "\u202e", "\x00", "a" * 5000]))
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | texts
trees = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
                     max_leaves=15)
magento_errors = st.fixed_dictionaries({"message": texts}, optional={"parameters": trees, "trace": texts})


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["json", "error", "bytes", "deep", "huge-number", "not-utf8"]))
    if kind == "json":
        return json.dumps(draw(trees), ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    if kind == "error":
        return json.dumps(draw(magento_errors), ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    if kind == "deep":
        depth = draw(st.integers(1, 200_000))
        opener = draw(st.sampled_from(["[", '{"message":', '{"parameters":[']))
        return (opener * depth).encode() + draw(st.binary(max_size=20))
    if kind == "huge-number":
        return b'{"message": "x", "parameters": [' + b"9" * draw(st.integers(1, 20_000)) + b"]}"
    if kind == "not-utf8":
        return b'{"message": "' + draw(st.binary(max_size=40)) + b'\xff\xfe"}'
    return draw(st.binary(max_size=400))


content_types = st.sampled_from(["application/json", "application/json; charset=utf-8", "text/html",
                                 "application/problem+json", "APPLICATION/JSON", "", "text/plain\r\nX: 1",
                                 "application/json\x1b[31m"]) | st.text(max_size=40)
statuses = st.sampled_from([200, 201, 204, 301, 302, 307, 400, 401, 403, 404, 405, 429, 500, 502, 503]) | st.integers(
    100, 999)
encodings = st.sampled_from([None, "gzip", "deflate", "identity", "br", "gzip, gzip", ""])
locations = st.none() | texts


class Raw:
    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def read(self, amt: int | None = None, decode_content: bool | None = None) -> bytes:
        return self._data.read(amt)


def encoded(body: bytes, encoding: str | None, compress: bool) -> bytes:
    if not compress:
        return body
    return {"gzip": gzip.compress, "deflate": zlib.compress}.get(encoding or "", bytes)(body)


def check(result: ProbeResult, secrets: list[str] = SECRETS) -> None:
    assert isinstance(result.outcome, Outcome)
    event(result.label)
    for catch_all in ("failed unexpectedly", "could not be understood"):  # the probe's nets for a bug
        assert catch_all not in (result.message or ""), result
    for text in (result.message, result.hint):
        assert not CONTROL.search(text or ""), f"control character in {text!r}"
    found = (SCANNER if secrets is SECRETS else LeakScanner(secrets)).find(f"{result.message}\n{result.hint}")
    assert not found, (found, result.message)


@FUZZ
@given(statuses, content_types, encodings, locations, bodies(), st.booleans(),
       st.sampled_from(["HMAC-SHA256", "PLAINTEXT", "RSA-SHA256", "bearer"]))
def test_the_classifier_classifies_any_answer(status, content_type, encoding, location, body, compress, method):
    creds = CREDS.bearer() if method == "bearer" else CREDS.oauth1(method)
    shop = target("https://shop.example.com/rest", creds)
    response = requests.Response()
    response.status_code = status
    response.headers = CaseInsensitiveDict({"Content-Type": content_type, **({"Location": location} if location
                                                                             else {})})
    with hang_guard(), Deadline(30) as deadline:
        read = read_body(Raw(encoded(body, encoding, compress)), encoding, deadline)
        check(_classified(shop, time.perf_counter(), Redactor(SECRETS), response, read))


# -- over a real socket, through the whole probe ----------------------------------------------------------
class Responder:
    """A loopback server that answers every connection with the bytes it was last given, then closes."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.answer = b""
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with conn:
                try:
                    conn.settimeout(10)
                    head = b""
                    while b"\r\n\r\n" not in head:
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        head += chunk
                    conn.sendall(self.answer)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._listener.close()


@pytest.fixture(scope="module")
def responder() -> Iterator[Responder]:
    server = Responder()
    yield server
    server.close()


header_lines = st.lists(st.tuples(st.sampled_from(["Content-Type", "Content-Length", "Location", "Content-Encoding",
                                                   "Transfer-Encoding", "X-Other"]) | st.text(max_size=10),
                                  st.text(max_size=40) | st.sampled_from(["chunked", "gzip", "-1", "999999", "0"])),
                        max_size=5)


@st.composite
def raw_answers(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))  # not HTTP at all
    status_line = f"HTTP/1.1 {draw(statuses)} {draw(st.text(max_size=10))}"
    headers = [("Content-Type", draw(content_types)), *draw(header_lines), ("Connection", "close")]
    head = "\r\n".join([status_line, *(f"{k}: {v}" for k, v in headers)]) + "\r\n\r\n"
    return head.encode("utf-8", "surrogatepass") + draw(bodies())


@FUZZ
@given(raw_answers(), st.sampled_from(["HMAC-SHA256", "bearer"]))
def test_the_probe_classifies_any_raw_answer(responder, data, method):
    responder.answer = data
    creds = CREDS.bearer() if method == "bearer" else CREDS.oauth1(method)
    with hang_guard(), SessionPool() as pool:
        result = probe(target(f"http://127.0.0.1:{responder.port}/rest", creds, timeout_seconds=10.0), pool)
    check(result, [CREDS.access_token] if method == "bearer" else SECRETS)  # a bearer target knows only its token
