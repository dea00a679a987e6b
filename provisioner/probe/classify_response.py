"""The probe's side of classifying: an HTTP answer, and the class, message and hint it gets.

Which class an answer falls in is the connection's application's knowledge (its error
documents, its messages, its hints): ``Application.classify`` turns an ``HttpAnswer`` into a
``Classification``. The probe only reads the answer and redacts what comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from provisioner.probe.result import Outcome


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    content_type: str
    body: bytes
    location: str | None = None
    www_authenticate: str | None = None  # the challenge of a 401, redacted and bounded
    clock_ahead_s: int | None = None  # how far the oauth_timestamp sent was ahead of the answer's Date header

    @property
    def media_type(self) -> str:
        """The content type without parameters, lower case (``application/json``)."""
        return self.content_type.split(";", 1)[0].strip().lower()

    @property
    def is_json(self) -> bool:
        kind = self.media_type
        return kind == "application/json" or kind.endswith("+json")


@dataclass(frozen=True)
class Classification:
    """``recheck``: the application asks for the same request once more, signed with throwaway secrets (a
    deliberately wrong signature that leaks nothing), and reads that answer with this function instead."""

    outcome: Outcome
    message: str | None
    hint: str | None
    recheck: Callable[[HttpAnswer], Classification] | None = field(default=None, compare=False, repr=False)


__all__ = ["Classification", "HttpAnswer"]
