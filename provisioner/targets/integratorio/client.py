"""The HTTP client of integrator.io's API: Bearer token, retries, bounded concurrency, Link pagination.

- The token comes from ``INTEGRATORIO_API_TOKEN`` only and is checked once (``GET /v1/tokenInfo``) before
  the first other call; a missing or rejected token is a ``TargetError`` naming the variable.
- 429 waits ``Retry-After`` seconds (developer.celigo.com rate-limits); 5xx and dropped connections are
  retried with jittered exponential backoff; all retries of one call stay under ``deadline_s``. Each retry
  is logged (logger ``provisioner.targets.integratorio``) with the method, path and status: never a
  header or a body, so never the token or a secret.
- At most ``concurrency`` calls at once for the account (a leaky bucket per account, the same docs).
- Lists follow ``Link: rel="next"`` as an opaque URL; a 204 is an empty list and is not parsed.
- Answers are hostile input (``answers.py``): bodies capped, JSON parsed safely, redirects never followed
  (a 307 would resend a connection's secrets elsewhere), a next link only on the configured origin, pages
  and attempts bounded. ``clock``/``wall``/``sleep`` are seams for tests (no real waits).
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import requests

from provisioner.probe.redact import Redactor
from provisioner.targets.base import TargetError
from provisioner.targets.integratorio.answers import (
    MAX_BODY,
    bad_answer,
    listing,
    next_link,
    parsed,
    read_capped,
    retry_after,
    same_origin,
)
from provisioner.targets.integratorio.config import TOKEN_ENV

log = logging.getLogger("provisioner.targets.integratorio")
TRANSIENT = frozenset({500, 502, 503, 504})
MAX_BACKOFF_S = 8.0
MAX_ATTEMPTS = 12  # of one call: a 429 with "Retry-After: 0" forever must not hammer the account for 60 s
MAX_PAGES = 10_000  # of one list
DROPPED = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


def _error_entries(answer: requests.Response) -> list[Mapping[str, Any]]:
    """``{"errors": [...]}`` or the 401 ``{"message": ...}`` shape (both are seen; contract section 1)."""
    try:
        body = parsed(answer, "error")
    except TargetError:
        return []
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        return [e for e in body["errors"] if isinstance(e, dict)]
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return [{"code": answer.status_code, "message": body["message"]}]
    return []


MESSAGE_LIMIT = 500  # characters of remote text shown, counted after redaction


def describe(answer: requests.Response, redactor: Redactor) -> str:
    """The remote errors as one line: code, field and the API's own message — server text, so it is
    stripped of control characters and redacted over every encoding of every secret the call could
    echo (``redactor``) *before* it is truncated, as the probe does with a shop's answers."""
    parts = [f"{e.get('code')}" + (f" at {e['field']}" if e.get("field") else "") +
             (f": {e.get('message')}" if e.get("message") else "") for e in _error_entries(answer)]
    return redactor.clean("; ".join(parts), MESSAGE_LIMIT) or f"HTTP {answer.status_code}"


class Client:
    def __init__(self, origin: str, *, environ: Mapping[str, str] | None = None, concurrency: int = 4,
                 deadline_s: float = 60.0, timeout_s: float = 30.0, backoff_s: float = 0.5) -> None:
        self.origin = origin
        self._environ = os.environ if environ is None else environ
        self._session = requests.Session()
        self._slots = threading.BoundedSemaphore(max(1, concurrency))
        self._checked = threading.Lock()
        self._token_ok = False
        self.deadline_s, self.timeout_s, self.backoff_s = deadline_s, timeout_s, backoff_s
        self.retries = 0  # how many retries this client made (reported by tests)
        self.max_body, self.max_pages = MAX_BODY, MAX_PAGES
        self.clock: Callable[[], float] = time.monotonic
        self.wall: Callable[[], float] = time.time
        self.sleep: Callable[[float], None] = time.sleep

    def _token(self) -> str:
        token = self._environ.get(TOKEN_ENV, "").strip()
        if not token:
            raise TargetError(f"no integrator.io API token: {TOKEN_ENV} is not set", code="unauthorized",
                              hint=f"export {TOKEN_ENV} (an integrator.io API token; never a flag or a file)",
                              whole_run=True)
        return token

    def own_secrets(self) -> tuple[str, ...]:
        token = self._environ.get(TOKEN_ENV, "").strip()
        return (token,) if token else ()

    def redactor(self, *secrets: str) -> Redactor:
        """Cleans this account's answers: the API token and ``secrets`` (a connection's) in any encoding."""
        return Redactor((*self.own_secrets(), *secrets))

    def check_token(self) -> None:
        """``GET /v1/tokenInfo`` once per client (per run)."""
        with self._checked:
            if self._token_ok:
                return
            answer = self._send("GET", "/v1/tokenInfo")
            if answer.status_code in (401, 403):
                raise TargetError(f"integrator.io rejected the API token in {TOKEN_ENV} (HTTP {answer.status_code})",
                                  code="unauthorized", status=answer.status_code, whole_run=True,
                                  hint=f"set {TOKEN_ENV} to a valid token for this account and region")
            if answer.status_code != 200:
                raise TargetError(f"integrator.io tokenInfo failed: {describe(answer, self.redactor())}",
                                  code="remote-error", status=answer.status_code)
            self._token_ok = True

    def call(self, method: str, path: str, body: Any = None, *, retry_resets: bool = True) -> requests.Response:
        """``retry_resets=False`` for a create: a dropped connection may have created it (the next run finds it
        again by ``externalId``); a 429 or 5xx answer is still retried."""
        self.check_token()
        return self._send(method, path, body, retry_resets=retry_resets)

    def _send(self, method: str, path: str, body: Any = None, *, retry_resets: bool = True) -> requests.Response:
        url = path if path.startswith("http") else self.origin + path
        shown = path.split("?", 1)[0] if not path.startswith("http") else "next page"
        if not same_origin(url, self.origin):  # the token goes to target.url's origin only
            raise bad_answer(f"{method} {shown}", "a URL on another origin; not called")
        headers = {"Authorization": f"Bearer {self._token()}", "Accept": "application/json"}
        give_up = self.clock() + self.deadline_s
        attempt = 0
        while True:
            attempt += 1
            answer: requests.Response | None = None
            try:
                with self._slots:
                    answer = self._exchange(method, url, body, headers, shown)
            except DROPPED as exc:
                answer, why = None, type(exc).__name__
                if not retry_resets:
                    raise TargetError(f"integrator.io {method} {shown}: no answer ({why}); not retried, as it may "
                                      "have been done: the next run finds it again", code="unreachable") from None
            else:
                if answer.status_code != 429 and answer.status_code not in TRANSIENT:
                    return answer
                why = f"HTTP {answer.status_code}"
            wait = self._wait(answer, attempt)
            if attempt >= MAX_ATTEMPTS or self.clock() + wait > give_up:
                if answer is not None:
                    return answer
                raise TargetError(f"integrator.io {method} {shown}: no answer ({why}) within {self.deadline_s:g}s",
                                  code="unreachable")
            self.retries += 1
            log.warning("integrator.io %s %s: %s, retry %d in %.1fs", method, shown, why, attempt, wait)
            self.sleep(wait)

    def _exchange(self, method: str, url: str, body: Any, headers: Mapping[str, str], shown: str) -> requests.Response:
        """One request, its body read under the cap; a redirect is an answer, never followed."""
        answer = self._session.request(method, url, json=body, headers=headers, timeout=self.timeout_s, stream=True,
                                       allow_redirects=False)
        try:
            read_capped(answer, f"{method} {shown}", self.max_body)
        finally:
            answer.close()
        return answer

    def _wait(self, answer: requests.Response | None, attempt: int) -> float:
        if answer is not None and answer.status_code == 429:
            return retry_after(answer.headers.get("Retry-After", "1"), self.wall())
        return random.uniform(0, min(MAX_BACKOFF_S, self.backoff_s * 2 ** (attempt - 1)))

    def pages(self, path: str) -> Iterator[Mapping[str, Any]]:
        """Every item of a list endpoint, following ``Link: rel="next"``; 204 is empty. A next link to another
        origin, back to a page already read, or past ``max_pages`` is a ``bad-answer``."""
        url: str | None = path
        seen: set[str] = set()
        while url:
            what = f"GET {path}"
            if url in seen:
                raise bad_answer(what, "the next page's link points back to a page already read")
            if len(seen) >= self.max_pages:
                raise bad_answer(what, f"more than {self.max_pages} pages; stopped")
            seen.add(url)
            answer = self.call("GET", url)
            if answer.status_code == 204:
                return
            if answer.status_code != 200:
                raise TargetError(f"integrator.io GET {path}: {describe(answer, self.redactor())}", code="remote-error",
                                  status=answer.status_code)
            items = listing(answer, what)
            yield from (i for i in items if isinstance(i, dict))
            url = next_link(answer, url, self.origin, what)

    def close(self) -> None:
        self._session.close()
