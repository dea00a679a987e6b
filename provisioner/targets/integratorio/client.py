"""The HTTP client of integrator.io's API: Bearer token, retries, bounded concurrency, Link pagination.

- The token comes from ``INTEGRATORIO_API_TOKEN`` only and is checked once (``GET /v1/tokenInfo``) before
  the first other call; a missing or rejected token is a ``TargetError`` naming the variable.
- 429 waits ``Retry-After`` seconds (developer.celigo.com rate-limits); 5xx and dropped connections are
  retried with jittered exponential backoff; all retries of one call stay under ``deadline_s``. Each retry
  is logged (logger ``provisioner.targets.integratorio``) with the method, path and status: never a
  header or a body, so never the token or a secret.
- At most ``concurrency`` calls at once for the account (a leaky bucket per account, the same docs).
- Lists follow ``Link: rel="next"`` as an opaque URL; a 204 is an empty list and is not parsed.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

import requests

from provisioner.probe.redact import Redactor
from provisioner.targets.base import TargetError
from provisioner.targets.integratorio.config import TOKEN_ENV

log = logging.getLogger("provisioner.targets.integratorio")
TRANSIENT = frozenset({500, 502, 503, 504})
MAX_RETRY_AFTER_S = 60.0
MAX_BACKOFF_S = 8.0


def _error_entries(answer: requests.Response) -> list[Mapping[str, Any]]:
    """``{"errors": [...]}`` or the 401 ``{"message": ...}`` shape (both are seen; contract section 1)."""
    try:
        body = answer.json()
    except ValueError:
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
        headers = {"Authorization": f"Bearer {self._token()}", "Accept": "application/json"}
        give_up = time.monotonic() + self.deadline_s
        attempt = 0
        while True:
            attempt += 1
            answer: requests.Response | None = None
            try:
                with self._slots:
                    answer = self._session.request(method, url, json=body, headers=headers, timeout=self.timeout_s)
            except (requests.ConnectionError, requests.Timeout) as exc:
                why = type(exc).__name__
                if not retry_resets:
                    raise TargetError(f"integrator.io {method} {shown}: no answer ({why}); not retried, as it may "
                                      "have been done: the next run finds it again", code="unreachable") from None
            else:
                if answer.status_code != 429 and answer.status_code not in TRANSIENT:
                    return answer
                why = f"HTTP {answer.status_code}"
            wait = self._wait(answer, attempt)
            if time.monotonic() + wait > give_up:
                if answer is not None:
                    return answer
                raise TargetError(f"integrator.io {method} {shown}: no answer ({why}) within {self.deadline_s:g}s",
                                  code="unreachable")
            self.retries += 1
            log.warning("integrator.io %s %s: %s, retry %d in %.1fs", method, shown, why, attempt, wait)
            time.sleep(wait)

    def _wait(self, answer: requests.Response | None, attempt: int) -> float:
        if answer is not None and answer.status_code == 429:
            try:
                return min(MAX_RETRY_AFTER_S, max(0.0, float(answer.headers.get("Retry-After", "1"))))
            except ValueError:
                return 1.0
        return random.uniform(0, self.backoff_s * 2 ** (attempt - 1))

    def pages(self, path: str) -> Iterator[Mapping[str, Any]]:
        """Every item of a list endpoint, following ``Link: rel="next"``; 204 is empty."""
        url: str | None = path
        while url:
            answer = self.call("GET", url)
            if answer.status_code == 204:
                return
            if answer.status_code != 200:
                raise TargetError(f"integrator.io GET {path}: {describe(answer, self.redactor())}", code="remote-error",
                                  status=answer.status_code)
            items = answer.json()
            yield from (i for i in items if isinstance(i, dict))
            url = answer.links.get("next", {}).get("url")

    def close(self) -> None:
        self._session.close()
