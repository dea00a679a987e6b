"""Test connections: GET ``{baseUri}{pingPath}``, signed, and classify what came back.

``probe`` never raises for anything the network or the server does, and never returns a
secret: text that came back from the server is redacted against the target's secrets.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import requests
import urllib3

from provisioner.config import DEFAULT_PARALLELISM
from provisioner.probe.classify_error import classify_failure
from provisioner.probe.classify_response import HttpAnswer
from provisioner.probe.result import Outcome, ProbeResult, UnreachableReason
from provisioner.probe.session_pool import SessionPool
from provisioner.probe.signing import auth_for
from provisioner.probe.target import OAuth1Credentials, ProbeTarget

REDACTED = "[redacted]"
MAX_BODY = 256 * 1024


def redact(text: str | None, secrets: Sequence[str]) -> str | None:
    """``text`` with every secret (as is, or percent-encoded) replaced by ``[redacted]``."""
    if not text:
        return text
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) < 4:
            continue
        for form in {secret, quote(secret, safe=""), quote(secret, safe="~")}:
            text = text.replace(form, REDACTED)
    return text


def _unsigned(target: ProbeTarget, started: float) -> ProbeResult:
    creds = target.credentials
    if isinstance(creds, OAuth1Credentials) and creds.signature_method.is_rsa:
        message = "the request could not be signed: consumerPrivateKey is not a usable PEM RSA private key"
        hint = "put the integration's RSA private key (PEM) in consumerPrivateKey"
    else:
        message = "the request could not be signed with these credentials"
        hint = "check that every credential the signature method needs is present"
    return ProbeResult(
        name=target.name, url=target.display_url, method=target.method, outcome=Outcome.UNAUTHORIZED,
        elapsed_ms=(time.perf_counter() - started) * 1000, message=message, hint=hint,
    )


def _read_body(response: requests.Response) -> bytes:
    body = bytearray()
    for chunk in response.iter_content(chunk_size=16384):
        body.extend(chunk)
        if len(body) >= MAX_BODY:
            break
    return bytes(body[:MAX_BODY])


def probe(target: ProbeTarget, session_pool: SessionPool) -> ProbeResult:
    """Test one connection. Never raises for network or server trouble; never returns a secret."""
    session = session_pool.session_for(target.base_uri)
    verify: bool | str = target.ca_bundle if (target.verify_tls and target.ca_bundle) else target.verify_tls
    if not target.verify_tls:
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    proxies = {"http": target.proxy_url, "https": target.proxy_url} if target.proxy_url else {}
    started = time.perf_counter()
    try:
        prepared = session.prepare_request(requests.Request("GET", target.url, auth=auth_for(target.credentials)))
    except requests.exceptions.RequestException as exc:
        return _failed(target, exc, started)
    except Exception:  # oauthlib/PyJWT refuse a key or a missing secret: a result, not a traceback
        return _unsigned(target, started)
    settings = session.merge_environment_settings(prepared.url, proxies, True, verify, None)
    try:
        with session.send(
            prepared, timeout=(target.timeout_seconds, target.timeout_seconds), allow_redirects=False, **settings
        ) as response:
            answer = HttpAnswer(
                status=response.status_code,
                content_type=response.headers.get("Content-Type", ""),
                body=_read_body(response),
                location=response.headers.get("Location"),
            )
    except Exception as exc:  # the network's trouble becomes a result, not a traceback
        return _failed(target, exc, started)
    elapsed_ms = (time.perf_counter() - started) * 1000
    classified = target.classify(answer, target.method)
    secrets = target.secret_values()
    return ProbeResult(
        name=target.name, url=target.display_url, method=target.method, outcome=classified.outcome,
        elapsed_ms=elapsed_ms, status_code=answer.status,
        message=redact(classified.message, secrets), hint=redact(classified.hint, secrets),
    )


def _failed(target: ProbeTarget, exc: BaseException, started: float) -> ProbeResult:
    failure = classify_failure(exc, target.url, target.timeout_seconds)
    return ProbeResult(
        name=target.name, url=target.display_url, method=target.method, outcome=Outcome.UNREACHABLE,
        elapsed_ms=(time.perf_counter() - started) * 1000, reason=failure.reason,
        message=redact(failure.message, target.secret_values()), hint=failure.hint,
    )


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
