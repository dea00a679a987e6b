"""The registered applications, keyed by ``spec.application``.

Adding one: a package beside ``magento2/`` and one line in ``APPLICATIONS``.
"""

from __future__ import annotations

from collections.abc import Mapping

from provisioner.applications.application import Application
from provisioner.applications.magento2.application import MAGENTO2
from provisioner.declarations.base import AGENT_SECRET_FIELDS

APPLICATIONS: Mapping[str, Application] = {
    MAGENTO2.name: MAGENTO2,
}


class UnknownApplicationError(KeyError):
    """``spec.application`` names no registered application."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(name)

    def __str__(self) -> str:
        return f"unknown application {self.name!r}; registered: {', '.join(APPLICATIONS) or 'none'}"


def application_for(name: str) -> Application:
    """The application registered as ``name``; ``UnknownApplicationError`` (a KeyError) otherwise."""
    try:
        return APPLICATIONS[name]
    except KeyError:
        raise UnknownApplicationError(name) from None


def secret_field_names() -> tuple[str, ...]:
    """Every field name that holds a secret: each registered application's, then the Agent's (no duplicates)."""
    names = [field for app in APPLICATIONS.values() for field in app.secret_fields]
    return tuple(dict.fromkeys([*names, *AGENT_SECRET_FIELDS]))


__all__ = ["APPLICATIONS", "Application", "UnknownApplicationError", "application_for", "secret_field_names"]
