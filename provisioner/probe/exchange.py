"""One request and its bounded body, inside the probe's one deadline; and what the classifier may see of it.

The probe sends at most two requests a test (the second only when the application asks for a recheck):
both go through ``exchange`` under the same ``Deadline``, so the timeout still bounds the whole test.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from provisioner.probe.answer import error_body, parse_json, safe_header
from provisioner.probe.body import Body, read_body
from provisioner.probe.classify_error import Failure, classify_failure, timed_out
from provisioner.probe.classify_response import HttpAnswer
from provisioner.probe.deadline import Deadline
from provisioner.probe.redact import Redactor
from provisioner.probe.result import UnreachableReason
from provisioner.probe.signing import sent_timestamp


@dataclass(frozen=True)
class Exchanged:
    response: requests.Response  # closed: status and headers stay readable
    body: Body
    sent_at: int | None  # the oauth_timestamp the request carried


@dataclass(frozen=True)
class Incomplete:
    """A 2xx JSON answer that is not one complete JSON document."""

    status: int
    content_type: str
    problem: str | None


def exchange(
    session: requests.Session, prepared: requests.PreparedRequest, settings: Any, deadline: Deadline, *,
    url: str, timeout_seconds: float,
) -> Exchanged | Failure:
    """``settings``: what ``session.merge_environment_settings`` gave for this request."""
    try:
        response = session.send(prepared, timeout=(deadline.remaining(), deadline.remaining()),
                                allow_redirects=False, **settings)
    except Exception as exc:  # the network's trouble becomes a result, not a traceback
        failure = classify_failure(exc, url, timeout_seconds)
        if deadline.expired and failure.reason is not UnreachableReason.TIMEOUT:
            failure = timed_out(url, timeout_seconds)
        return failure
    with response:
        body = read_body(response.raw, response.headers.get("Content-Encoding"), deadline)
    if body.timed_out or deadline.fired:
        return timed_out(url, timeout_seconds)
    return Exchanged(response, body, sent_timestamp(prepared.headers))


def _is_json(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


def _clock_ahead(sent_at: int | None, date_header: str | None) -> int | None:
    """How many seconds the timestamp we sent was ahead of the server's ``Date`` (negative: behind)."""
    if sent_at is None or not date_header:
        return None
    try:
        server_time = parsedate_to_datetime(date_header).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if abs(server_time - time.time()) > 10 * 365 * 86400:  # not a date worth comparing with
        return None
    return round(sent_at - server_time)


def answer_of(exchanged: Exchanged, redactor: Redactor) -> HttpAnswer | Incomplete:
    """The answer as the classifier may see it: every piece of server text redacted and bounded."""
    response, body = exchanged.response, exchanged.body
    status = response.status_code
    content_type = safe_header(response.headers.get("Content-Type"), redactor) or ""
    parsed = parse_json(body.data) if body.complete else None
    if 200 <= status < 300 and _is_json(content_type) and (parsed is None or not parsed.ok):
        return Incomplete(status, content_type, body.problem if parsed is None else parsed.problem)
    return HttpAnswer(
        status, content_type, error_body(parsed, redactor) if parsed is not None and status >= 300 else b"{}",
        location=safe_header(response.headers.get("Location"), redactor),
        www_authenticate=safe_header(response.headers.get("WWW-Authenticate"), redactor),
        clock_ahead_s=_clock_ahead(exchanged.sent_at, response.headers.get("Date")),
    )
