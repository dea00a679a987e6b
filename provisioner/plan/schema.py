"""The plan file's schema: every field with its exact JSON type, nothing extra, nothing missing.

Strict pydantic models: a boolean where an integer belongs (``format_version: true``), a float
serial, a string ``targets``, an unknown or a missing key, an action outside the enum are all
refused, naming the field. The MAC (plan/authentication.py) is not part of this document.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from provisioner.plan.json_input import printable

# Names and addresses are printed in messages: plain characters only (metadata.name allows fewer still).
Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,252}$")]
Path = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
Digest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Count = Annotated[int, Field(ge=0)]
ActionName = Literal["create", "update", "delete", "no-op"]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class FieldChangeFile(_Strict):
    path: Path
    before: Any
    after: Any


class ChangeFile(_Strict):
    address: Name
    kind: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z0-9]{0,62}$")]
    name: Name
    action: ActionName
    reason: str
    file: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    fields: list[FieldChangeFile]
    sensitive_changed: list[Path]
    desired_digest: Digest | None
    blocked: str | None


class SummaryFile(_Strict):
    create: Count
    update: Count
    delete: Count
    noop: Count
    blocked: Count


class PlanFileDocument(_Strict):
    # plan.model.FORMAT_VERSION; its value is checked first, with its own message. Not Literal[1]: that takes True.
    format_version: Annotated[int, Field(ge=1, le=1)]
    tool_version: str
    workspace: Name
    lineage: Annotated[str, StringConstraints(max_length=64)]
    serial: Count
    created_at: str
    allow_delete: bool
    targets: list[Name]
    summary: SummaryFile
    has_changes: bool
    changes: list[ChangeFile]


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{printable(part)}" if out else printable(part))
    return out or "(the document)"


def describe(error: ValidationError, limit: int = 5) -> str:
    """``changes[0].action: Input should be 'create', ...``: field paths and rules, never the values."""
    parts = []
    for item in error.errors(include_url=False, include_input=False)[:limit]:
        message = "unknown field" if item["type"] == "extra_forbidden" else item["msg"]
        parts.append(f"{_where(tuple(item['loc']))}: {message}")
    more = error.error_count() - limit
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")

