"""Scrubbing of sops' messages before they are shown: no quoted values, ciphertexts or MACs."""

from __future__ import annotations

import re

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"ENC\[[^\]]*\]?"), "ENC[…]"),
    (re.compile(r"`[^`]*`?"), "`…`"),
    (re.compile(r"'[^'\s/]{2,}'"), "'…'"),
    (re.compile(r"[A-Za-z0-9+/=_-]{32,}"), "…"),
)


def scrub(text: str) -> str:
    """Replace anything in ``text`` that could be a value, a ciphertext or a MAC with an ellipsis."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def first_line(stderr: str, limit: int = 200) -> str:
    """sops' first non-empty stderr line, scrubbed and shortened."""
    for line in stderr.splitlines():
        if line.strip():
            return scrub(line.strip())[:limit]
    return "(no message)"
