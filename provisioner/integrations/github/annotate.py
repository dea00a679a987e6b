"""Annotations (workflow commands) for what a provisioner document reports: diagnostics, failed
applies, drifted resources, an error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from provisioner.integrations.github.workflow import annotation
from provisioner.integrations.summary import diagnostics_of

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def diagnostics(document: Mapping[str, Any]) -> list[str]:
    out = []
    for d in diagnostics_of(document):
        message = str(d.get("message") or "") + (f" (hint: {d['hint']})" if d.get("hint") else "")
        out.append(annotation(LEVELS.get(str(d.get("severity")), "error"), message, title=str(d.get("code") or ""),
                              file=d.get("file"), line=d.get("line"), col=d.get("column")))
    return out


def error(command: str, document: Mapping[str, Any], exit_code: int) -> list[str]:
    err = document.get("error") or {}
    message = str(err.get("message") or f"provisioner {command} exited with {exit_code}")
    if err.get("hint"):
        message += f" (hint: {err['hint']})"
    return [*diagnostics(document), annotation("error", message, title=f"provisioner {command}")]


def apply_failures(document: Mapping[str, Any]) -> list[str]:
    out = []
    for item in document.get("items") or ():
        if item.get("status") in ("failed", "error"):
            test = item.get("test") or {}
            message = str(item.get("detail") or test.get("message") or item.get("status"))
            if test.get("hint"):
                message += f" (hint: {test['hint']})"
            out.append(annotation("error", message, title=f"apply: {item.get('address')}"))
    return out


def drifted(document: Mapping[str, Any]) -> list[str]:
    out = []
    for item in document.get("items") or ():
        status = item.get("status")
        if status == "in-sync":
            continue
        level = "error" if status in ("tampered", "failing") else "warning"
        out.append(annotation(level, str(item.get("detail") or status), title=f"drift: {status} {item.get('address')}",
                              file=item.get("file")))
    return out
