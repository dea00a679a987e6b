"""``--format gitlab``: a GitLab code-quality report (``artifacts:reports:codequality``) on stdout.

GitLab's format (docs.gitlab.com/ci/testing/code_quality, "Code Quality report format"): a JSON array
of ``{"description", "check_name", "fingerprint", "severity", "location": {"path", "lines": {"begin"}}}``;
severity is one of info, minor, major, critical, blocker. The fingerprint identifies an issue across
pipelines (GitLab compares reports by it), so it is a digest of what the issue is and where — never of
a value. The report is an array, not a provisioner document: it has no ``format_version``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from provisioner.diagnostics import Diagnostic
from provisioner.render.console import stdout_console

_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def code_quality_issue(d: Diagnostic, *, severity: str | None = None) -> dict[str, object]:
    path = d.source.file if d.source else ""
    line = d.source.line if d.source and d.source.line > 0 else 1
    identity = "\x00".join([d.code, path, str(line), str(d.source.column if d.source else 0), d.message])
    return {
        "description": d.message + (f" (hint: {d.hint})" if d.hint else ""),
        "check_name": d.code,
        "fingerprint": hashlib.sha256(identity.encode("utf-8")).hexdigest(),
        "severity": severity or _SEVERITY[d.severity.value],
        "location": {"path": path, "lines": {"begin": line}},
    }


def code_quality_text(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps([code_quality_issue(d) for d in diagnostics], indent=2)


def render_gitlab(diagnostics: Iterable[Diagnostic]) -> None:
    stdout_console().out(code_quality_text(diagnostics), highlight=False)
