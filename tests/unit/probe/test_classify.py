"""Table-driven: HTTP answers to outcome classes, Magento's placeholders, redaction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provisioner.applications.magento2 import hints
from provisioner.applications.magento2.errors import render_message
from provisioner.applications.magento2.responses import classify_answer
from provisioner.probe import Outcome, redact
from provisioner.probe.classify_response import HttpAnswer

JSON = "application/json; charset=utf-8"


def body(message, parameters=None):
    payload = {"message": message}
    if parameters is not None:
        payload["parameters"] = parameters
    return json.dumps(payload).encode()


CASES = [
    ("ok", 200, JSON, b"[]", "HMAC-SHA256", Outcome.OK, None),
    ("signature", 401, JSON, body("The signature is invalid. Verify and try again."), "HMAC-SHA256",
     Outcome.UNAUTHORIZED, "The signature is invalid. Verify and try again."),
    ("acl", 401, JSON,
     body("The consumer isn't authorized to access %resources.", {"resources": "Magento_Sales::sales"}),
     "HMAC-SHA256", Outcome.NOT_PERMITTED, "The consumer isn't authorized to access Magento_Sales::sales."),
    ("acl-bearer", 401, JSON, body("The consumer isn't authorized to access %resources.", {"resources": "X::y"}),
     "bearer", Outcome.UNAUTHORIZED, "The consumer isn't authorized to access X::y."),
    ("method", 400, JSON, body("Signature method %1 is not supported", ["HMAC-SHA1"]), "HMAC-SHA1",
     Outcome.UNSUPPORTED_METHOD, "Signature method HMAC-SHA1 is not supported"),
    ("nonce", 401, JSON, body("An error occurred validating the nonce"), "HMAC-SHA256",
     Outcome.UNAUTHORIZED, "An error occurred validating the nonce"),
    ("argument", 400, JSON, body('"%fieldName" is required. Enter and try again.', {"fieldName": "searchCriteria"}),
     "HMAC-SHA256", Outcome.MISSING_ARGUMENT, '"searchCriteria" is required. Enter and try again.'),
    ("oauth-parameter", 400, JSON,
     body('"%fieldName" is required. Enter and try again.', {"fieldName": "oauth_nonce"}),
     "HMAC-SHA256", Outcome.UNAUTHORIZED, '"oauth_nonce" is required. Enter and try again.'),
    ("html-401", 401, "text/html; charset=iso-8859-1", b"<html>", "HMAC-SHA256", Outcome.BLOCKED,
     "HTTP 401 with text/html instead of Magento's JSON"),
    ("html-403", 403, "text/html", b"<html>", "bearer", Outcome.BLOCKED,
     "HTTP 403 with text/html instead of Magento's JSON"),
    ("route", 404, JSON, body("Request does not match any route."), "HMAC-SHA256", Outcome.NOT_FOUND,
     "Request does not match any route."),
    ("html-404", 404, "text/html", b"<html>", "HMAC-SHA256", Outcome.NOT_FOUND, "HTTP 404 with text/html"),
    ("html-200", 200, "text/html; charset=UTF-8", b"<html>", "HMAC-SHA256", Outcome.NOT_API,
     "HTTP 200 with text/html instead of JSON"),
    ("redirect", 302, "text/html", b"", "HMAC-SHA256", Outcome.NOT_API, "HTTP 302 redirect to https://x/rest"),
    ("html-500", 503, "text/html", b"<html>", "HMAC-SHA256", Outcome.SERVER_ERROR, "HTTP 503"),
    ("json-500", 500, JSON, body("Internal Error. Details are available in Magento log file. Report ID: %1", ["w-1"]),
     "HMAC-SHA256", Outcome.SERVER_ERROR,
     "Internal Error. Details are available in Magento log file. Report ID: w-1"),
    ("forbidden", 403, JSON, b"{}", "HMAC-SHA256", Outcome.NOT_PERMITTED, "HTTP 403"),
]


@pytest.mark.parametrize(("status", "ctype", "raw", "method", "outcome", "message"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_answers_are_classified(status, ctype, raw, method, outcome, message):
    location = "https://x/rest" if 300 <= status < 400 else None
    verdict = classify_answer(HttpAnswer(status, ctype, raw, location), method=method)
    assert verdict.outcome is outcome
    assert verdict.message == message
    assert (verdict.hint is None) == (outcome is Outcome.OK)


def test_bearer_hint_names_the_magento_setting():
    verdict = classify_answer(HttpAnswer(401, JSON, body("The consumer isn't authorized to access %resources.",
                                                          {"resources": "Magento_Backend::store"})), method="bearer")
    assert "Allow OAuth Access Tokens to be used as standalone Bearer tokens" in (verdict.hint or "")


@pytest.mark.parametrize(("template", "params", "expected"), [
    ("a %1 b %2", ["x", "y"], "a x b y"),
    ("a %1 b", {"0": "x"}, "a x b"),
    ("to %resources.", {"resources": "R"}, "to R."),
    ("%fieldName is required", {"fieldName": "oauth_nonce"}, "oauth_nonce is required"),
    ("%10 and %1", [str(i) for i in range(1, 11)], "10 and 1"),
    ("no %placeholder here", None, "no %placeholder here"),
])
def test_magento_placeholders(template, params, expected):
    assert render_message(template, params) == expected


def test_redact_replaces_plain_and_percent_encoded_secrets():
    text = "sig=abc+def/ghi& and abc%2Bdef%2Fghi and short"
    assert redact(text, ["abc+def/ghi", "ab"]) == "sig=[redacted]& and [redacted] and short"
    assert redact(None, ["x"]) is None


@pytest.mark.parametrize(("ahead", "needle"), [
    (3600, "about 3600 s ahead"), (601, "about 601 s ahead"), (2, "(2 s ahead of the server's clock"),
    (-7200, "(7200 s behind the server's clock"),
    (None, "either this machine's clock"),
], ids=["hour", "just-over", "agree", "behind", "no-date"])
def test_the_nonce_error_is_read_with_the_servers_date(ahead, needle):
    answer = HttpAnswer(401, JSON, body("An error occurred validating the nonce"), clock_ahead_s=ahead)
    verdict = classify_answer(answer, method="HMAC-SHA256")
    assert verdict.outcome is Outcome.UNAUTHORIZED
    assert needle in (verdict.hint or "")


def test_a_basic_auth_challenge_is_named_in_the_hint():
    answer = HttpAnswer(401, "text/html", b"<html>", www_authenticate='Basic realm="Staging"')
    verdict = classify_answer(answer, method="HMAC-SHA256")
    assert verdict.outcome is Outcome.BLOCKED
    assert verdict.message == "HTTP 401 with text/html and an HTTP auth challenge"
    assert 'Basic realm="Staging"' in (verdict.hint or "") and "storefront" not in (verdict.hint or "")


ACL = body("The consumer isn't authorized to access %resources.", {"resources": "Magento_Backend::store"})


@pytest.mark.parametrize(("second", "outcome", "needle"), [
    (HttpAnswer(401, JSON, body("The signature is invalid. Verify and try again.")), Outcome.NOT_PERMITTED,
     "Magento verified the OAuth header"),
    (HttpAnswer(401, JSON, ACL), Outcome.HEADER_STRIPPED, "HTTP_AUTHORIZATION"),
    (HttpAnswer(503, "text/html", b""), Outcome.NOT_PERMITTED, "either the integration may not use"),
], ids=["signature-invalid", "same-acl", "other"])
def test_the_acl_answer_asks_for_a_recheck_and_reads_it(second, outcome, needle):
    first = classify_answer(HttpAnswer(401, JSON, ACL), method="HMAC-SHA256")
    assert first.outcome is Outcome.NOT_PERMITTED and first.recheck is not None
    verdict = first.recheck(second)
    assert verdict.outcome is outcome
    assert verdict.message == "The consumer isn't authorized to access Magento_Backend::store."
    assert needle in (verdict.hint or "")
    assert verdict.recheck is None


def test_a_bearer_token_is_never_rechecked():
    assert classify_answer(HttpAnswer(401, JSON, ACL), method="bearer").recheck is None


@pytest.mark.parametrize("hint_name", sorted(n for n in vars(hints) if n.isupper()))
def test_no_hint_sends_anyone_to_reauthorize_except_for_a_revoked_token(hint_name):
    text = getattr(hints, hint_name).lower()
    if hint_name == "REVOKED_HINT":
        assert "reauthorize" in text and "secrets edit" in text and "token secret" in text
        return
    for word in ("re-activ", "reactivat", "activate the"):
        assert word not in text
    assert "reauthorize the" not in text


@pytest.mark.parametrize("outcome", list(Outcome), ids=[o.value for o in Outcome])
def test_every_class_is_in_the_probe_table_and_the_json_docs(outcome):
    root = Path(__file__).resolve().parents[3] / "docs"
    table = (root / "probe.md").read_text(encoding="utf-8").split("### Every answer", 1)[1].split("**The recheck", 1)[0]
    assert f"| `{outcome.value}` |" in table
    assert f"`{outcome.value}`" in (root / "json.md").read_text(encoding="utf-8")
