"""Test connections: GET ``{baseUri}{pingPath}``, signed, and classify what came back.

``probe`` never raises, whatever the network, the server or the declaration does, and never
returns a secret: every piece of server text is cleaned by one ``Redactor`` (probe/redact.py)
over the target's secrets and what the signed request carried, before anything truncates it.
One ``Deadline`` bounds the whole test (both requests, when the application asks for a recheck with a
deliberately wrong signature); the body is read with a cap (probe/body.py) and parsed (probe/exchange.py),
so the classifier only sees a bounded, redacted, well-formed answer (probe/answer.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import requests
import urllib3

from provisioner.config import DEFAULT_PARALLELISM
from provisioner.probe.body import Body
from provisioner.probe.classify_error import Failure, classify_failure, invalid_url
from provisioner.probe.classify_response import Classification, HttpAnswer
from provisioner.probe.deadline import Deadline
from provisioner.probe.exchange import Exchanged, Incomplete, answer_of, exchange
from provisioner.probe.redact import Redactor, redact
from provisioner.probe.result import Outcome, ProbeResult, UnreachableReason
from provisioner.probe.session_pool import SessionPool
from provisioner.probe.signing import auth_for, oauth1_auth, sent_in_clear, sent_secrets, throwaway, unsendable
from provisioner.probe.target import OAuth1Credentials, ProbeTarget

MAX_MESSAGE = 500
MAX_HINT = 1000
INCOMPLETE_HINT = (
    "a 2xx answer must be one complete JSON document: check that auth.baseUri ends in /rest and that "
    "nothing in between (a proxy, a captive portal) changes or cuts the answer"
)


def _result(
    target: ProbeTarget, started: float, outcome: Outcome, redactor: Redactor, *, status_code: int | None = None,
    reason: UnreachableReason | None = None, message: str | None = None, hint: str | None = None,
) -> ProbeResult:
    """The one place a result is made: every message and hint goes through the redactor here."""
    return ProbeResult(
        name=target.name, url=target.display_url, method=target.method, outcome=outcome,
        elapsed_ms=(time.perf_counter() - started) * 1000, status_code=status_code, reason=reason,
        message=redactor.clean_optional(message, MAX_MESSAGE), hint=redactor.clean_optional(hint, MAX_HINT),
    )


def _unreachable(target: ProbeTarget, started: float, failure: Failure, redactor: Redactor) -> ProbeResult:
    return _result(target, started, Outcome.UNREACHABLE, redactor, reason=failure.reason,
                   message=failure.message, hint=failure.hint)


def _unsigned(target: ProbeTarget, started: float, redactor: Redactor, header: str | None = None) -> ProbeResult:
    creds = target.credentials
    if header is not None:
        message = f"the request cannot be sent: its {header} header would hold a line break or a non-ASCII character"
        hint = "copy the credentials again, without a trailing newline or spaces"
    elif isinstance(creds, OAuth1Credentials) and creds.signature_method.is_rsa:
        message = "the request could not be signed: consumerPrivateKey is not a usable PEM RSA private key"
        hint = "put the integration's RSA private key (PEM) in consumerPrivateKey"
    else:
        message = "the request could not be signed with these credentials"
        hint = "check that every credential the signature method needs is present"
    return _result(target, started, Outcome.UNAUTHORIZED, redactor, message=message, hint=hint)


def _classified(
    target: ProbeTarget, started: float, redactor: Redactor, response: requests.Response, body: Body, *,
    sent_at: int | None = None, again: Callable[..., Classification] | None = None,
) -> ProbeResult:
    """The result for an answer; ``again(classified=...)`` sends the recheck when the classifier asks for one."""
    answer = answer_of(Exchanged(response, body, sent_at), redactor)
    if isinstance(answer, Incomplete):
        kind = answer.content_type.split(";", 1)[0]
        return _result(target, started, Outcome.NOT_API, redactor, status_code=answer.status,
                       message=f"HTTP {answer.status} with {kind} but {answer.problem}", hint=INCOMPLETE_HINT)
    try:
        classified = target.classify(answer, target.method)
    except Exception:  # the classifier failed on an answer: that answer's result, not the run's
        return _result(target, started, Outcome.NOT_API, redactor, status_code=answer.status,
                       message=f"HTTP {answer.status}: the answer could not be understood", hint=None)
    if again is not None and classified.recheck is not None:
        classified = again(classified=classified)
    return _result(target, started, classified.outcome, redactor, status_code=answer.status,
                   message=classified.message, hint=classified.hint)


def _recheck(
    target: ProbeTarget, session: requests.Session, settings: Any, deadline: Deadline, *,
    redactor: Redactor, classified: Classification,
) -> Classification:
    """The same request signed with throwaway secrets, read by ``classified.recheck``; the first reading
    stands when there is nothing to recheck with (bearer), or the second answer does not come."""
    creds = target.credentials
    if classified.recheck is None or not isinstance(creds, OAuth1Credentials):
        return classified
    try:
        prepared = session.prepare_request(requests.Request("GET", target.url, auth=oauth1_auth(throwaway(creds))))
    except Exception:  # cannot sign even with throwaway secrets: keep the first reading
        return classified
    again = exchange(session, prepared, settings, deadline, url=target.url, timeout_seconds=target.timeout_seconds)
    answer = answer_of(again, redactor) if isinstance(again, Exchanged) else None
    if not isinstance(answer, HttpAnswer):
        return classified
    try:
        return classified.recheck(answer)
    except Exception:  # the classifier failed on the second answer: the first reading stands
        return classified


def _probe(target: ProbeTarget, session_pool: SessionPool, started: float) -> ProbeResult:
    redactor = Redactor(target.secret_values())
    problem = target.url_problem()
    if problem is not None:
        return _unreachable(target, started, invalid_url(problem), redactor)
    session = session_pool.session_for(target.base_uri)
    verify: bool | str = target.ca_bundle if (target.verify_tls and target.ca_bundle) else target.verify_tls
    if not target.verify_tls:
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    proxies = {"http": target.proxy_url, "https": target.proxy_url} if target.proxy_url else {}
    try:
        prepared = session.prepare_request(requests.Request("GET", target.url, auth=auth_for(target.credentials)))
    except requests.exceptions.RequestException as exc:
        return _unreachable(target, started, classify_failure(exc, target.url, target.timeout_seconds), redactor)
    except Exception:  # oauthlib/PyJWT refuse a key or a missing secret: a result, not a traceback
        return _unsigned(target, started, redactor)
    carried = sent_secrets(prepared.headers)  # a PLAINTEXT signature's parts are the secrets': redacted in part too
    redactor = (Redactor((*target.secret_values(), *carried)) if sent_in_clear(prepared.headers)
                else Redactor(target.secret_values(), sent=carried))
    bad_header = unsendable(prepared.headers)
    if bad_header is not None:
        return _unsigned(target, started, redactor, bad_header)
    settings = session_pool.settings_for(session, prepared.url or target.url, proxies, verify)
    with Deadline(target.timeout_seconds) as deadline:
        sent = exchange(session, prepared, settings, deadline, url=target.url, timeout_seconds=target.timeout_seconds)
        if not isinstance(sent, Exchanged):
            return _unreachable(target, started, sent, redactor)
        return _classified(target, started, redactor, sent.response, sent.body, sent_at=sent.sent_at,
                           again=partial(_recheck, target, session, settings, deadline, redactor=redactor))


def probe(target: ProbeTarget, session_pool: SessionPool) -> ProbeResult:
    """Test one connection. Never raises; never returns a secret."""
    started = time.perf_counter()
    try:
        return _probe(target, session_pool, started)
    except Exception as exc:  # a bug or an input nobody foresaw: this connection fails, the others go on
        failure = Failure(UnreachableReason.OTHER, f"the test failed unexpectedly ({type(exc).__name__})",
                          "this is a bug in provisioner: please report it with the answer the server gave")
        return _unreachable(target, started, failure, Redactor(target.secret_values()))


def probe_many(
    targets: Sequence[ProbeTarget], *, parallelism: int = DEFAULT_PARALLELISM, session_pool: SessionPool | None = None
) -> list[ProbeResult]:
    """Test many connections, at most ``parallelism`` at once; results in the order of ``targets``."""
    if not targets:
        return []
    workers = max(1, min(parallelism, len(targets)))
    own_pool = session_pool is None
    pool = session_pool or SessionPool(pool_maxsize=workers)
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="probe") as executor:
            return list(executor.map(lambda t: probe(t, pool), targets))
    finally:
        if own_pool:
            pool.close()


__all__ = ["UnreachableReason", "probe", "probe_many", "redact"]
