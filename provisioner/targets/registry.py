"""Targets by name: ``provisioner.yaml``'s ``target`` chooses one. A new target is a new module and one line here."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from provisioner.errors import ConfigError
from provisioner.targets import integratorio, local
from provisioner.targets.base import Target

if TYPE_CHECKING:
    from provisioner.config import ProjectConfig

# type -> factory(options without "type", where the settings came from) -> Target; building one does no I/O
# beyond reading the environment (a REST target checks its API token only in ``prepare``).
Factory = Callable[[Mapping[str, Any], str], Target]
TARGETS: Mapping[str, Factory] = {local.NAME: local.from_settings, integratorio.NAME: integratorio.from_settings}
DEFAULT_TARGET: Mapping[str, Any] = {"type": local.NAME}


def parse_target_setting(raw: object, where: str) -> dict[str, Any]:
    """``target:`` in provisioner.yaml -> ``{"type": NAME, ...options}``; a string is a bare type name."""
    if raw is None:
        return dict(DEFAULT_TARGET)
    if isinstance(raw, str):
        raw = {"type": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise ConfigError(f"{where}: 'target' must be a target type or a mapping with a 'type'",
                          hint="target: local   (or target: {type: local})", code="config-target")
    kind: str = raw["type"]
    if kind not in TARGETS:
        close = difflib.get_close_matches(kind, list(TARGETS), n=1)
        known = ", ".join(sorted(TARGETS))
        hint = f"did you mean {close[0]!r}? known target types: {known}" if close else f"known target types: {known}"
        raise ConfigError(f"{where}: unknown target type {kind!r}", hint=hint, code="config-target")
    return {str(k): v for k, v in raw.items()}


def target_for(config: ProjectConfig) -> Target:
    """The target ``config`` names (``local`` by default); the caller closes it."""
    where = str(config.config_file or "provisioner.yaml")
    options = parse_target_setting(dict(config.target), where)  # again: a ProjectConfig may be built by hand
    kind = options.pop("type")
    return TARGETS[kind](options, where)
