"""Table-driven: HTTP answers to outcome classes, Magento's placeholders, redaction."""

from __future__ import annotations

import json

import pytest

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
    ("timestamp", 400, JSON, body("Incorrect timestamp value in the oauth_timestamp parameter"), "HMAC-SHA256",
     Outcome.UNAUTHORIZED, "Incorrect timestamp value in the oauth_timestamp parameter"),
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
