"""The one output-format enum; each command accepts a subset of it (docs/cli.md)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class OutputFormat(StrEnum):
    HUMAN = "human"  # for a person at a terminal (the default)
    JSON = "json"  # one JSON document on stdout (docs/json.md)
    MARKDOWN = "markdown"  # a pull-request comment
    GITHUB = "github"  # GitHub Actions workflow commands
    GITLAB = "gitlab"  # GitLab CI: a code-quality report (validate)


def choices_text(accepted: Sequence[OutputFormat]) -> str:
    """``human|json``: the accepted formats as the help and the error messages show them."""
    return "|".join(f.value for f in accepted)


def parse_format(value: str, accepted: Sequence[OutputFormat]) -> OutputFormat:
    """The format named ``value`` if the command accepts it; ``ValueError`` naming the accepted ones otherwise."""
    for fmt in accepted:
        if value == fmt.value:
            return fmt
    listed = ", ".join(f.value for f in accepted)
    raise ValueError(f"{value!r} is not one of {listed}")
