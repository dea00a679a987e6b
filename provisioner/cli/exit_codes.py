"""Exit codes of the CLI contract (docs/cli.md)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    CHANGES = 2  # plan --detailed-exitcode found changes; drift found drift
    INTERNAL = 3
