"""Fuzzing the sandbox's request parser: raw request bytes over a real loopback socket, and its parsing
functions directly (Authorization header, query strings, request targets, Host, bodies).

Properties: every request that reaches the handler is answered (no exception escapes it: the server's
``handle_error`` would otherwise be called, and the client would get no answer), no case hangs (each is
under a hang guard), the sandbox still serves the next well-formed request, a signed request from the
real probe still verifies after any of them, and the log line of a request holds no control character.
A few hundred examples by default, 10,000 with ``PROVISIONER_LONG=1`` (tests/support/fuzz.py).
"""

from __future__ import annotations

import logging
import socket
import sys
import time
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provisioner.probe import probe
from provisioner.probe.session_pool import SessionPool
from provisioner.sandbox import Sandbox, SandboxConfig, running_sandbox
from provisioner.sandbox.authenticate import Authenticator, NonceCache
from provisioner.sandbox.magento import MagentoVersion
from provisioner.sandbox.oauth_verify import (
    base_string_uri,
    form_pairs,
    parse_authorization,
    percent_encode,
    signature_base_string,
    verify_signature,
)
from provisioner.sandbox.server import SandboxHTTPServer
from tests.support.fuzz import FUZZ, hang_guard
from tests.support.magento import Creds, target

CREDS = Creds.fresh()
SOCKET_TIMEOUT = 10.0  # a hang guard on each read, never a measurement

latin1 = st.text(alphabet=st.characters(max_codepoint=255), max_size=60)  # what http.server decodes headers to
tokens = st.sampled_from(["oauth_consumer_key", "oauth_token", "oauth_signature", "oauth_signature_method",
                          "oauth_nonce", "oauth_timestamp", "oauth_version", "realm", "", "=", ",", '"'])
values = (st.sampled_from([CREDS.consumer_key, CREDS.access_token, "HMAC-SHA256", "RSA-SHA256", "PLAINTEXT",
                           "1.0", str(int(time.time())), "9" * 5000, "-1", "%", "%zz", "%C3%28", ""])
          | latin1)
auth_params = st.lists(st.tuples(tokens | latin1, values), max_size=8)


@st.composite
def authorizations(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["OAuth", "oauth", "Bearer", "bearer", "Basic", "", "OAuth  "]) | latin1)
    pairs = draw(auth_params)
    joiner = draw(st.sampled_from([", ", ",", " ", ",,", ""]))
    quote = draw(st.sampled_from(['"', "", "'"]))
    return f"{scheme} " + joiner.join(f"{k}={quote}{v}{quote}" for k, v in pairs)


@st.composite
def nearly_valid_oauth(draw: st.DrawFn) -> str:
    """Every parameter Magento requires, right (so the checks reach the signature), one of them perhaps not."""
    params = {"oauth_consumer_key": CREDS.consumer_key, "oauth_token": CREDS.access_token,
              "oauth_signature_method": draw(st.sampled_from(["HMAC-SHA256", "HMAC-SHA1", "PLAINTEXT", "RSA-SHA256"])),
              "oauth_nonce": draw(st.uuids()).hex, "oauth_timestamp": str(int(time.time())),
              "oauth_version": "1.0", "oauth_signature": draw(latin1) or "x"}
    if draw(st.booleans()):
        params[draw(st.sampled_from(sorted(params)))] = draw(values)
    return "OAuth " + ", ".join(f'{k}="{v}"' for k, v in params.items())


paths = (st.sampled_from(["/rest/V1/store/storeConfigs", "/rest/default/V1/store/storeViews", "/rest", "/",
                          "/admin", "*", "//[x/rest", "http://[::1/rest/V1/products", "/rest/V1/products?a=%zz&&b",
                          "/rest/V1/store/storeConfigs#frag", "/%00", "/rest/../rest/V1/products", ""])
         | latin1.map(lambda s: s.replace(" ", "")))
hosts = st.just("127.0.0.1") | st.sampled_from(["127.0.0.1:99999", "127.0.0.1:-1", "[::1", "[::1]:80", "a:b:c", "",
                                                "h:0", "127.0.0.1:80:80", "user@host", "\x00"]) | latin1
# Each strategy picks a well-formed value half of the time, so that most requests reach the handler.
methods = st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE"]) | st.sampled_from(
    ["OPTIONS", "get", "PRI", "G\x00T", ""]) | latin1
versions = st.just("HTTP/1.1") | st.sampled_from(["HTTP/1.0", "HTTP/0.9", "HTTP/2.0", "HTTP/1.1.1", "HTTP/x", ""])
header_names = st.sampled_from(["Host", "Authorization", "Content-Length", "Content-Type", "Transfer-Encoding",
                                "Expect", "Connection", "X-Other"]) | latin1.map(lambda s: s.replace(":", ""))
content_lengths = st.sampled_from(["0", "5", "-1", "abc", "1e3", " 7", "99999999999999999999", "", "3, 3"])


@st.composite
def raw_requests(draw: st.DrawFn) -> bytes:
    """A request built from parts that are each usually well-formed, sometimes not."""
    line = f"{draw(methods)} {draw(paths)} {draw(versions)}".strip()
    headers = [("Host", draw(hosts))] if draw(st.booleans()) else []
    if draw(st.booleans()):
        headers.append(("Authorization", draw(nearly_valid_oauth() | authorizations())))
    if draw(st.booleans()):
        headers.append(("Content-Length", draw(content_lengths)))
    headers += draw(st.lists(st.tuples(header_names, latin1), max_size=4))
    eol = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    head = eol.join([line, *(f"{k}: {v}" for k, v in headers)]) + eol + eol
    return head.encode("latin-1") + draw(st.binary(max_size=300))


class Recorder(logging.Handler):
    """The sandbox's log lines, and every exception its server's ``handle_error`` met."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Sandbox, Recorder]]:
    recorder = Recorder()
    logger = logging.getLogger("provisioner.sandbox")
    logger.addHandler(recorder)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    original = SandboxHTTPServer.handle_error

    def handle_error(self: SandboxHTTPServer, request: object, client_address: object) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError | TimeoutError):  # a client that hung up is routine
            recorder.errors.append(f"{type(exc).__name__}: {exc}")
        original(self, request, client_address)

    SandboxHTTPServer.handle_error = handle_error  # type: ignore[method-assign]
    try:
        with running_sandbox(SandboxConfig((CREDS.integration(),), magento=MagentoVersion.ANY)) as sandbox:
            yield sandbox, recorder
    finally:
        SandboxHTTPServer.handle_error = original  # type: ignore[method-assign]
        logger.removeHandler(recorder)
        logger.setLevel(level)


def exchange(sandbox: Sandbox, data: bytes) -> bytes:
    """Send ``data``, end our side, and read until the sandbox closes the connection."""
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=SOCKET_TIMEOUT) as conn:
        try:
            conn.sendall(data)
            conn.shutdown(socket.SHUT_WR)
        except OSError:  # the sandbox already answered (e.g. 400) and closed: read what it sent
            pass
        answer = b""
        while True:
            try:
                chunk = conn.recv(65536)
            except ConnectionResetError:
                return answer
            if not chunk:
                return answer
            answer += chunk


WELL_FORMED = b"GET /rest/V1/store/storeConfigs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def check_served(sandbox: Sandbox, recorder: Recorder, data: bytes) -> None:
    before, errors = len(recorder.lines), len(recorder.errors)
    with hang_guard():
        exchange(sandbox, data)
        follow = exchange(sandbox, WELL_FORMED)
    assert follow.startswith(b"HTTP/1.1 401 "), follow[:200]  # a guest: Magento's not-authorized answer
    assert not recorder.errors[errors:], recorder.errors[errors:]
    for line in recorder.lines[before:]:
        assert line.isprintable(), repr(line)


@FUZZ
@given(raw_requests())
def test_raw_requests_are_answered_and_the_sandbox_keeps_serving(served, data):
    check_served(*served, data)


@FUZZ
@given(st.binary(max_size=600))
def test_arbitrary_bytes_are_answered_and_the_sandbox_keeps_serving(served, data):
    check_served(*served, data)


@pytest.mark.parametrize(("data", "status"), [
    (b"POST /rest/V1/products HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n", b"400 Bad Request"),
    (b"GET /rest/V1/products HTTP/1.1\r\nHost: 127.0.0.1:99999\r\nAuthorization: OAuth oauth_token=\"x\"\r\n\r\n",
     b"400 Bad Request"),
    (b"GET /rest/V1/products HTTP/1.1\r\nHost: [::1\r\n\r\n", b"400 Bad Request"),  # urlsplit raised on it
    (b"GET http://[::1/rest/V1/products HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"400 Bad Request"),
    (b"GET //[x/rest HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"404 Not Found"),  # a path, not a host
], ids=["content-length-abc", "host-port-99999", "host-bad-ipv6", "absolute-bad-ipv6", "path-bad-ipv6"])
def test_what_the_fuzzing_found_is_answered(served, data, status):
    """Each of these raised in the handler: the client got no answer at all (found by the fuzzing above)."""
    sandbox, recorder = served
    errors = len(recorder.errors)
    answer = exchange(sandbox, data)
    assert answer.startswith(b"HTTP/1.1 " + status + b"\r\n"), answer[:200]
    assert not recorder.errors[errors:], recorder.errors[errors:]


def test_a_custom_method_is_percent_encoded_in_the_signature_base_string():
    """RFC 5849 §3.4.1.1; a non-ASCII method raised UnicodeEncodeError while signing (found by the fuzzing)."""
    base = signature_base_string("g\u00e9t", "http://127.0.0.1/rest", {"oauth_nonce": "n"})
    assert base.startswith("G%C3%89T&http%3A%2F%2F127.0.0.1%2Frest&")
    assert verify_signature("HMAC-SHA256", base, "x", consumer_secret="a", token_secret="b") is False
    assert AUTHENTICATOR._signature_ok("GET", "http://127.0.0.1:99999/rest", {"oauth_signature_method": "HMAC-SHA256",
                                       "oauth_signature": "x"}, CREDS.integration()) is False


def test_the_log_line_escapes_control_characters(served):
    """A request target with DEL or an escape sequence forged the sandbox's log (found by the fuzzing)."""
    sandbox, recorder = served
    exchange(sandbox, b"GET /\x1b[2J\x7f HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert "GET /\\x1b[2J\\x7f 404 consumer=-" in recorder.lines, recorder.lines[-2:]


def test_a_signed_request_still_verifies_after_the_fuzzing(served):
    sandbox, _ = served
    with SessionPool() as pool:
        result = probe(target(sandbox.base_uri, CREDS.oauth1("HMAC-SHA256")), pool)
    assert result.ok, result


# -- the parsing functions, directly ------------------------------------------------------------
AUTHENTICATOR = Authenticator((CREDS.integration(),), MagentoVersion.ANY, NonceCache())


@FUZZ
@given(authorizations() | latin1)
def test_authorization_headers_parse_or_are_refused(header):
    with hang_guard():
        params = parse_authorization(header)
    assert params is None or all(isinstance(k, str) and isinstance(v, str) for k, v in params.items())


@FUZZ
@given(methods, st.sampled_from(["http", "https", "HTTP", ""]), hosts, paths,
       nearly_valid_oauth() | authorizations() | latin1)
def test_identify_never_raises_whatever_the_request(method, scheme, host, path, header):
    with hang_guard():
        caller = AUTHENTICATOR.identify(method, f"{scheme}://{host}{path}", header)
    assert caller.integration is None  # nothing fuzzed here carries a valid signature
    if caller.error is not None:
        assert caller.error[0] in (400, 401)


@FUZZ
@given(latin1 | st.text(max_size=60))
def test_query_strings_and_urls(text):
    with hang_guard():
        pairs = form_pairs(text)
        assert all(isinstance(k, str) for k, _ in pairs)
        for url in (text, f"http://{text}", f"http://127.0.0.1{text}", f"https://h/{text}?{text}"):
            try:
                base_string_uri(url)
                signature_base_string("GET", url, {"oauth_nonce": text})
            except ValueError:  # not a URL at all: the handler answers 400 before it gets here
                pass


@FUZZ
@given(st.sampled_from(["PLAINTEXT", "HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA256", "NONE", ""]),
       latin1, latin1, latin1, latin1)
def test_signatures_verify_or_not_and_never_raise(method, base, signature, consumer_secret, token_secret):
    with hang_guard():
        base_string = percent_encode(base)  # a base string is percent-encoded: ASCII only
        assert verify_signature(method, base_string, signature, consumer_secret=consumer_secret,
                                token_secret=token_secret) in (True, False)
