"""``provisioner call``: one request as an applied connection ("curl as this connection"); never prints.

The connection comes from the state (``provisioner.api``), so this is what an application using
``open_connection`` sees. The answer is kept redacted: every header value and the body are redacted
against the connection's secrets (``provisioner.probe.redact.Redactor``) and stripped of control characters
before they leave this module; the request's credentials are never part of the result.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from provisioner.api import ForeignUrlError, SigningError, open_target, session_for
from provisioner.config import ProjectConfig
from provisioner.errors import ProvisionerError
from provisioner.probe.classify_error import classify_failure
from provisioner.probe.redact import Redactor, strip_controls
from provisioner.probe.signing import sent_secrets
from provisioner.probe.target import strip_userinfo

METHODS = ("GET", "POST", "PUT", "DELETE")
MAX_BODY = 1024 * 1024
# Headers worth showing an engineer; cookies and anything else stay out.
SHOWN_HEADERS = ("content-type", "content-length", "location", "retry-after", "www-authenticate", "date",
                 "cache-control", "etag", "last-modified", "x-magento-cache-debug", "x-request-id")


@dataclass(frozen=True)
class CallResult:
    connection: str
    method: str
    url: str  # without userinfo
    status: int
    reason: str
    headers: Mapping[str, str]
    body: str = field(repr=False)
    truncated: bool
    elapsed_ms: float

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def to_dict(self) -> dict[str, Any]:
        return {"connection": self.connection, "method": self.method, "url": self.url, "ok": self.ok,
                "status": self.status, "reason": self.reason,
                "headers": [{"name": k, "value": v} for k, v in self.headers.items()],
                "body": self.body, "body_truncated": self.truncated, "elapsed_ms": round(self.elapsed_ms, 1)}


def parse_method_and_path(args: list[str]) -> tuple[str, str]:
    """``[METHOD] PATH`` -> (METHOD, PATH); the method defaults to GET."""
    if len(args) == 1:
        return "GET", args[0]
    if len(args) == 2 and args[0].upper() in METHODS:
        return args[0].upper(), args[1]
    if len(args) == 2:
        raise ProvisionerError(f"{args[0]!r} is not a method (one of: {', '.join(METHODS)})", code="usage",
                               hint="Try 'provisioner call --help' for help.")
    raise ProvisionerError("expected [METHOD] PATH after the connection name", code="usage",
                           hint="Try 'provisioner call --help' for help.")


def read_data(data: str | None, cwd: Path) -> bytes | None:
    """``--data JSON`` or ``--data @FILE``: the JSON body, checked to be JSON."""
    if data is None:
        return None
    if data.startswith("@"):
        path = cwd / data[1:]
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ProvisionerError(f"--data {data}: cannot read {path}: {getattr(exc, 'strerror', None) or exc}",
                                   code="usage") from None
    else:
        text = data
    try:
        json.loads(text)
    except ValueError as exc:
        raise ProvisionerError(f"--data is not JSON (line {getattr(exc, 'lineno', '?')})", code="usage",
                               hint="pass a JSON document, or @FILE holding one") from None
    return text.encode("utf-8")


def clean(text: str, secrets: Sequence[str]) -> str:
    """Stripped of escape sequences and control characters line by line (indentation kept), then redacted
    over every encoding of every secret (``provisioner.probe.Redactor``, as the probe does)."""
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        body = line.lstrip(" ")
        lines.append(" " * (len(line) - len(body)) + strip_controls(body))
    return Redactor(secrets).redact("\n".join(lines))


def _read(response: requests.Response) -> tuple[bytes, bool]:
    body = bytearray()
    for chunk in response.iter_content(chunk_size=65536):
        body.extend(chunk)
        if len(body) > MAX_BODY:
            return bytes(body[:MAX_BODY]), True
    return bytes(body), False


def call_connection(config: ProjectConfig, name: str, method: str, path: str, *, data: bytes | None = None,
                    workspace: str | None = None) -> CallResult:
    """Send one request as connection ``name`` (from the state); the answer, redacted."""
    if data is not None and method == "GET":
        raise ProvisionerError("--data needs POST, PUT or DELETE", code="usage")
    target = open_target(config, name, workspace)
    secrets = target.secret_values()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    started = time.perf_counter()
    failure: ProvisionerError | None = None
    sent: list[str] = []

    def keep_sent(response: requests.Response, *args: object, **kwargs: object) -> requests.Response:
        sent.extend(sent_secrets(response.request.headers))  # before the session blanks the header
        return response

    with session_for(target) as session:
        try:
            url = session.url_for(path)
            with session.request(method, url, data=data, headers=headers, allow_redirects=False,
                                 stream=True, hooks={"response": keep_sent}) as response:
                secrets = (*secrets, *sent)  # an echo of the request's signature is redacted too
                body, truncated = _read(response)
                shown = {k: clean(v, secrets) for k, v in response.headers.items() if k.lower() in SHOWN_HEADERS}
                status, reason = response.status_code, clean(response.reason or "", secrets)
        except ForeignUrlError as exc:
            failure = ProvisionerError(clean(str(exc), secrets), code="call-refused",
                                       hint="pass a path under the base URI, e.g. /V1/store/storeConfigs")
        except SigningError as exc:
            failure = ProvisionerError(str(exc), code="call-unsigned",
                                       hint="check the credentials the signature method needs (re-apply them)")
        except requests.exceptions.RequestException as exc:
            why = classify_failure(exc, target.base_uri, target.timeout_seconds)
            failure = ProvisionerError(clean(why.message, secrets), code=f"unreachable-{why.reason.value}",
                                       hint=why.hint)
    if failure is not None:  # raised here: the transport's exception (and its request) is not chained
        raise failure
    text = clean(body.decode("utf-8", errors="replace"), secrets)
    return CallResult(connection=target.name, method=method, url=strip_userinfo(url), status=status, reason=reason,
                      headers=shown, body=text, truncated=truncated,
                      elapsed_ms=(time.perf_counter() - started) * 1000)
