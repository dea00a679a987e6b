"""integrator.io's answers -> our failure classes and hints (the probe's names: provisioner/probe/result.py).

A failed ping answers HTTP 200 with ``errors`` whose ``code`` can be the shop's HTTP status ([UI] 25189038113,
4061569708); a 422 names fields ([DEV] errors).
"""

from __future__ import annotations

from typing import Any

import requests

from provisioner.probe.redact import Redactor
from provisioner.targets.base import TargetError
from provisioner.targets.integratorio.answers import bad_answer, document
from provisioner.targets.integratorio.client import describe

PING_CLASSES: dict[Any, tuple[str, str]] = {
    401: ("unauthorized", "integrator.io's test was refused by the shop: check the keys and the signature method"),
    403: ("not-permitted", "the integration lacks the API resource of the ping path"),
    404: ("not-found", "check baseUri and pingPath"),
    # the agent's state is integrator.io's to know: "verify the on-premise agent is online" ([AI]
    # diagnose-connection); the code is INFERRED (contract §4, open question 8)
    "agent_offline": ("unreachable", "the on-premise agent is offline in integrator.io: start it on its host "
                                     "(Resources > Agents shows its status), then apply again"),
}


def ping_failure(answer: requests.Response, redactor: Redactor) -> TargetError | None:
    """``None`` when the ping passed; else the error to fail the item with (never a secret)."""
    if answer.status_code == 422:
        return TargetError(f"integrator.io refused the connection: {describe(answer, redactor)}", code="invalid-field",
                           status=422, hint="fix the field integrator.io names")
    if answer.status_code != 200:
        return TargetError(f"integrator.io ping failed: {describe(answer, redactor)}", code="remote-error",
                           status=answer.status_code)
    try:
        body = document(answer, "ping")  # not JSON, or not an object: never taken for a pass
    except TargetError as exc:
        return exc
    errors = body.get("errors")
    if not errors:
        return None
    if not isinstance(errors, list):
        return bad_answer("ping", f"errors is not a list ({type(errors).__name__})")
    first = next((e for e in errors if isinstance(e, dict)), {})
    code = first.get("code")
    code = code if isinstance(code, (int, str)) and not isinstance(code, bool) else None
    status = code if isinstance(code, int) else None
    name, hint = PING_CLASSES.get(code, ("server-error" if status and status >= 500 else "unreachable",
                                         "integrator.io could not reach the shop: check baseUri, the agent"))
    return TargetError(f"integrator.io's test of the connection failed: {describe(answer, redactor)}", code=name,
                       status=status, hint=hint)


def refused(action: str, answer: requests.Response, redactor: Redactor) -> TargetError:
    code = {401: "unauthorized", 403: "forbidden", 404: "not-found", 422: "invalid-field"}.get(
        answer.status_code, "remote-error")
    return TargetError(f"integrator.io {action}: {describe(answer, redactor)}", code=code, status=answer.status_code)
