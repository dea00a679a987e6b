"""What a Magento-specific check of one field found: a diagnostic's code, message and hint (checks.py places it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    hint: str
