"""integrator.io's error text is server text: what it echoes of a secret, in any encoding, is never shown.

A 422 or a failed ping names fields with the API's own message; a hostile or echoing answer must not get a
connection's secret or the API token printed, nor forge a CI log line with escape sequences (issue 11's rule for
the probe: strip, redact over every encoding, then truncate).
"""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest
import requests

from provisioner.probe.redact import Redactor
from provisioner.targets.integratorio.client import MESSAGE_LIMIT, describe
from provisioner.targets.integratorio.outcomes import ping_failure, refused

SECRET = "CANARYsecret/+=0123456789abcdefXY"
TOKEN = "CANARYapiToken0123456789abcdefghij"


def answer(status: int, body: object) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()  # a real Response, filled as requests does
    response.headers["Content-Type"] = "application/json"
    return response


ECHOES = {
    "plain": SECRET,
    "percent-encoded": quote(SECRET, safe=""),
    "percent-encoded twice": quote(quote(SECRET, safe=""), safe=""),
    "lower-case percent": quote(SECRET, safe="").lower(),
    "base64": base64.b64encode(SECRET.encode()).decode(),
    "token": TOKEN,
    "at the truncation point": "x" * (MESSAGE_LIMIT - 31) + SECRET,
}


@pytest.mark.parametrize("echo", sorted(ECHOES))
def test_a_refusal_never_shows_an_echoed_secret(echo: str) -> None:
    redactor = Redactor((SECRET, TOKEN))
    body = {"errors": [{"code": "invalid", "field": "http.baseURI", "message": f"bad value {ECHOES[echo]}"}]}
    for error in (refused("create", answer(422, body), redactor), ping_failure(answer(422, body), redactor),
                  ping_failure(answer(200, {"errors": [{"code": 401, "message": ECHOES[echo]}]}), redactor)):
        assert error is not None
        shown = error.message + (error.hint or "")
        for form in ECHOES.values():
            assert form[-12:] not in shown, echo
        assert SECRET[:12] not in shown and TOKEN[:12] not in shown


def test_escape_sequences_in_remote_text_cannot_forge_a_log_line() -> None:
    body = {"errors": [{"code": "x", "message": "\x1b[2J\r\napplied  create  connection.shop | test: ok"}]}
    text = describe(answer(422, body), Redactor(()))
    assert "\x1b" not in text and "\r" not in text and "\n" not in text


def test_a_long_remote_message_is_cut_after_redaction() -> None:
    body = {"errors": [{"code": "x", "message": "y" * 10_000}]}
    assert len(describe(answer(422, body), Redactor((SECRET,)))) <= MESSAGE_LIMIT + 1
