"""Faults at the far end, table-driven: one connection per hostile mode (tests/support/hostile.py), plus a
healthy sandbox connection, tested in one ``probe_many`` run. Each is classified (never an exception), the
healthy one is ok, and no canary secret (nor any signature or Authorization header that was sent) shows
up in any field of any result, whole or in part, in any encoding."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from pydantic import SecretStr

from provisioner.probe import Outcome, ProbeResult, probe_many
from provisioner.probe.redact import REDACTED
from tests.support.hostile import (
    FORGED,
    ITEMS,
    WHERES,
    HostileServer,
    LeakScanner,
    closed_port,
    leaks,
    running_hostile,
)
from tests.support.magento import Creds, key_pair, target, token

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

# (name, mode or base URI, expected label)
FAULTS = [
    ("server-500", "500", "server-error"),
    ("reset", "reset", "unreachable (dropped)"),
    ("silent", "silent", "unreachable (timeout)"),
    ("drip-headers", "drip-headers", "unreachable (timeout)"),
    ("drip-body", "drip-body", "unreachable (timeout)"),
    ("redirect", "redirect", "not-api"),
    ("oversized", "oversized", "not-api"),
    ("truncated", "truncated", "not-api"),
    ("malformed", "malformed", "not-api"),
    ("deep-401", "deep", "unauthorized"),
    ("deep-200", "deep-ok", "not-api"),
    ("not-utf8", "not-utf8", "unauthorized"),
    ("gzip-bomb", "gzip-bomb", "not-api"),
    ("gzip-bomb-401", "gzip-bomb-401", "unauthorized"),
    ("forged-line", "forged", "unauthorized"),
    ("healthy-hostile", "healthy", "ok"),
]
EXPECTED_BY_WHERE = {"body": "unauthorized", "params": "header-stripped", "split": "unauthorized",
                     "location": "not-api", "type": "not-api", "403": "not-permitted", "500": "server-error"}


def hostile_creds() -> Creds:
    """Canaries that every encoding changes: '/', '+', '=', '&', '%', a space, a non-ASCII letter."""
    plain = Creds.fresh()
    return Creds(plain.consumer_key, "CANARYcs" + token()[:12] + "+/=&%é ~x", "CANARYat" + token()[:12] + "+/= ~x",
                 "CANARYts" + token()[:12] + "&%é+/x", key_pair())


def everything(result: ProbeResult) -> str:
    """Every field as is (a JSON dump would double the backslash of an echoed ``\\u`` escape), and more."""
    fields = "\n".join(str(value) for value in result.to_dict().values())
    return "\n".join([fields, json.dumps(result.to_dict(), ensure_ascii=False), repr(result), result.label])


def assert_no_leak(results: list[ProbeResult], secrets: list[str]) -> None:
    scanner = LeakScanner(secrets)
    for result in results:
        found = scanner.find(everything(result))
        assert not found, f"{result.name}: {found} in {everything(result)[:600]!r}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> HostileServer:
    with running_hostile(tmp_path_factory.mktemp("tls")) as server:
        yield server


def fault_targets(server: HostileServer, creds: Creds) -> list:
    oauth = creds.oauth1("HMAC-SHA256")
    targets = [target(server.base_uri(mode), oauth, name=name, timeout_seconds=1.0 if "timeout" in label else 10.0)
               for name, mode, label in FAULTS]
    refused = f"http://127.0.0.1:{closed_port()}/rest"
    targets += [
        target(server.tls_base_uri("healthy"), oauth, name="tls-self-signed", timeout_seconds=5.0),
        target("http://no-such-host.invalid/rest", oauth, name="dns", timeout_seconds=5.0),
        target(refused, oauth, name="refused", timeout_seconds=5.0),
        target("http://127.0.0.1:99999/rest", oauth, name="port-99999"),
        target("http://127.0.0.1:-1/rest", oauth, name="port-minus-1"),
        target("http://[::1/rest", oauth, name="bad-ipv6"),
        target("http://127.0.0.1:1/rest\r\nX-Injected: 1", oauth, name="crlf-base-uri"),
        target(server.base_uri("healthy"), oauth, name="crlf-ping-path", ping_path="/V1/x\r\nX-Injected: 1"),
        target(server.base_uri("healthy"), creds.bearer(creds.access_token + "\r\nX-Injected: 1"), name="crlf-token"),
        target(server.base_uri("healthy"), creds.bearer("CANARY\u00e9\u0000"), name="nul-token"),
    ]
    return targets


FAULT_LABELS = {name: label for name, _, label in FAULTS} | {
    "tls-self-signed": "unreachable (tls)", "dns": "unreachable (dns)", "refused": "unreachable (refused)",
    "port-99999": "unreachable (invalid-url)", "port-minus-1": "unreachable (invalid-url)",
    "bad-ipv6": "unreachable (invalid-url)", "crlf-base-uri": "unreachable (invalid-url)",
    "crlf-ping-path": "unreachable (invalid-url)", "crlf-token": "unauthorized", "nul-token": "unauthorized",
    "sandbox": "ok",
}


def test_every_fault_is_classified_and_the_healthy_connections_are_ok(hostile, sandbox, creds):
    bad = hostile_creds()
    targets = [*fault_targets(hostile, bad), target(sandbox.base_uri, creds.oauth1("HMAC-SHA256"), name="sandbox")]
    results = probe_many(targets, parallelism=8)
    labels = {r.name: r.label for r in results}
    assert labels == FAULT_LABELS
    for result in results:
        for text in (result.message, result.hint, result.url):
            assert not CONTROL.search(text or ""), f"{result.name}: control character in {text!r}"
    forged = next(r for r in results if r.name == "forged-line")
    assert "\n" not in (forged.message or "") and "\x1b" not in (forged.message or "")
    assert "fake: applied create" in (forged.message or "")  # shown as text, on the result's own line
    assert FORGED not in everything(forged)
    not_json = {r.name: r.message for r in results if r.name in ("truncated", "malformed", "gzip-bomb", "oversized")}
    assert "not a complete JSON document" in not_json["truncated"]
    assert "256 KiB" in not_json["gzip-bomb"] and "256 KiB" in not_json["oversized"]
    assert_no_leak(results, [bad.consumer_secret, bad.access_token, bad.token_secret])


@pytest.mark.parametrize("method", ["PLAINTEXT", "HMAC-SHA256", "bearer"])
def test_nothing_sent_comes_back_through_any_echo(hostile, method):
    """Every item of the request, in every encoding, in every place an answer can carry it."""
    bad = hostile_creds()
    credentials = bad.bearer() if method == "bearer" else bad.oauth1(method)
    # PLAINTEXT (the signature is the secrets) gets every item; the others the token and the header
    items = {"PLAINTEXT": ITEMS, "HMAC-SHA256": ("token",), "bearer": ("auth", "token")}[method]
    modes = [m for m in hostile.echo_modes() if m.split("/")[2] in items]
    results = probe_many([target(hostile.base_uri(m), credentials, name=m) for m in modes], parallelism=8)
    expected = EXPECTED_BY_WHERE | ({"params": "unauthorized"} if method == "bearer" else {})
    canaries = LeakScanner([bad.consumer_secret, bad.access_token, bad.token_secret])
    for mode, result in zip(modes, results, strict=True):
        assert result.label == expected[mode.split("/")[1]], (mode, result.label, result.message)
        sent = hostile.received[mode]
        signature = re.findall(r'oauth_signature="([^"]+)"', sent)
        found = canaries.find(everything(result)) + leaks(everything(result), signature)
        assert not found, f"{mode}: {found} in {everything(result)[:600]!r}"
        assert sent not in everything(result)
    redacted = [r for r in results if REDACTED in (r.message or "") + (r.hint or "")]
    assert len(redacted) >= len(modes) // 2  # the echoes did arrive, and were redacted


def test_a_token_at_offset_469_is_redacted_before_the_message_is_truncated(hostile, creds):
    """The old order (truncate to 500, then redact) printed 31 of the token's 32 characters."""
    oauth = replace(creds.oauth1("HMAC-SHA256"), access_token=SecretStr("CANARY" + token()[:26]))
    [result] = probe_many([target(hostile.base_uri("echo/body/token/plain"), oauth)])
    assert result.outcome is Outcome.UNAUTHORIZED
    assert (result.message or "").endswith(REDACTED) or REDACTED in (result.message or "")
    assert not leaks(everything(result), [oauth.access_token.get_secret_value()])  # type: ignore[union-attr]


def test_the_others_are_still_tested_when_one_answer_is_hostile(hostile, sandbox, creds):
    good = target(sandbox.base_uri, creds.oauth1("HMAC-SHA256"), name="good")
    hostile_targets = [target(hostile.base_uri(m), creds.oauth1("HMAC-SHA256"), name=m)
                       for m in ("deep", "gzip-bomb", "not-utf8")]
    results = probe_many([*hostile_targets, good, target("http://127.0.0.1:99999/rest", creds.bearer(), name="p")],
                         parallelism=1)
    assert [r.name for r in results] == ["deep", "gzip-bomb", "not-utf8", "good", "p"]
    assert results[3].ok
    assert all(not r.ok for r in results if r.name != "good")


def test_unused_wheres_are_all_covered():
    assert set(EXPECTED_BY_WHERE) == set(WHERES)
