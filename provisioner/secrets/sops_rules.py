"""A ``.sops.yaml`` read the way sops reads it: which file applies, which creation rule, which keys it encrypts.

- the config is the nearest ``.sops.yaml`` in the working directory or above (sops 3.11 looks from where it
  runs, not from the file: checked with the bundled binary);
- the rule is the first creation rule whose ``path_regex`` matches the file's path relative to the
  config's directory (a rule without ``path_regex`` matches every file);
- a value is encrypted by the rule's key selection, tried on every key of its path (sops'
  ``encrypted_regex`` on ``auth`` encrypts all of ``auth``): ``encrypted_regex``, ``unencrypted_regex``,
  ``encrypted_suffix``, ``unencrypted_suffix`` (the default: ``_unencrypted``). The comment-based
  selections cannot be judged from key names.

Never raises for what is in the file: a malformed config is a ``SopsConfigError`` with a position.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from provisioner.diagnostics import SourceRange

CONFIG_NAME = ".sops.yaml"
KEY_SELECTIONS = ("encrypted_regex", "unencrypted_regex", "encrypted_suffix", "unencrypted_suffix")
COMMENT_SELECTIONS = ("encrypted_comment_regex", "unencrypted_comment_regex")
DEFAULT_UNENCRYPTED_SUFFIX = "_unencrypted"
MAX_LEVELS = 100  # sops looks this far up


class SopsConfigError(Exception):
    def __init__(self, message: str, source: SourceRange) -> None:
        super().__init__(message)
        self.message = message
        self.source = source


@dataclass(frozen=True)
class CreationRule:
    number: int  # 1-based, as a person counts them
    path_regex: str
    selection: str  # one of KEY_SELECTIONS or COMMENT_SELECTIONS; "unencrypted_suffix" when none is set
    value: str
    source: SourceRange  # of the selection's value (of the rule when none is set)

    def matches(self, relative_path: str) -> bool:
        return not self.path_regex or re.search(self.path_regex, relative_path) is not None

    def encrypts(self, key_path: Sequence[str]) -> bool | None:
        """Whether sops encrypts the value at ``key_path`` under this rule; None when key names cannot tell."""
        if self.selection in COMMENT_SELECTIONS:
            return None
        if self.selection == "encrypted_regex":
            return any(re.search(self.value, key) for key in key_path)
        if self.selection == "unencrypted_regex":
            return not any(re.search(self.value, key) for key in key_path)
        if self.selection == "encrypted_suffix":
            return any(key.endswith(self.value) for key in key_path)
        return not any(key.endswith(self.value) for key in key_path)


@dataclass(frozen=True)
class SopsConfig:
    path: Path
    rules: tuple[CreationRule, ...] = field(default_factory=tuple)

    def rule_for(self, file: Path) -> CreationRule | None:
        """The first creation rule that applies to ``file`` (as sops picks it), or None."""
        relative = Path(os.path.relpath(file.resolve(), self.path.parent.resolve())).as_posix()
        return next((rule for rule in self.rules if rule.matches(relative)), None)


def find_sops_config(start: Path) -> Path | None:
    """The nearest ``.sops.yaml`` in directory ``start`` or above, as sops finds it from its working directory."""
    directory = start.resolve()
    for _ in range(MAX_LEVELS):
        candidate = directory / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if directory.parent == directory:
            return None
        directory = directory.parent
    return None


def _at(path: str, node: Any, key: object | None = None) -> SourceRange:
    lc = getattr(node, "lc", None)
    try:
        if lc is not None and key is not None and key in lc.data:
            line, column = lc.data[key][2], lc.data[key][3]
            return SourceRange(path, int(line) + 1, int(column) + 1)
        if lc is not None:
            return SourceRange(path, int(lc.line) + 1, int(lc.col) + 1)
    except (AttributeError, IndexError, KeyError, TypeError):
        pass
    return SourceRange(path)


def _compiles(pattern: str, where: SourceRange, what: str) -> None:
    try:
        re.compile(pattern)
    except re.error:
        raise SopsConfigError(f"{what} is not a valid regular expression", where) from None


def _item_at(path: str, sequence: Any, index: int) -> SourceRange:
    try:
        line, column = sequence.lc.item(index)
        return SourceRange(path, int(line) + 1, int(column) + 1)
    except (AttributeError, IndexError, KeyError, TypeError):
        return _at(path, sequence)


def _rule(path: str, number: int, node: Any, item: SourceRange) -> CreationRule:
    if not isinstance(node, dict):
        raise SopsConfigError(f"creation rule {number} is not a mapping", item)
    path_regex = node.get("path_regex") or ""
    if not isinstance(path_regex, str):
        raise SopsConfigError(f"creation rule {number}: path_regex is not a string", _at(path, node, "path_regex"))
    _compiles(path_regex, _at(path, node, "path_regex"), f"creation rule {number}: path_regex")
    chosen = [key for key in (*KEY_SELECTIONS, *COMMENT_SELECTIONS) if node.get(key) not in (None, "")]
    if len(chosen) > 1:
        raise SopsConfigError(
            f"creation rule {number} sets {' and '.join(chosen)}: sops allows only one of them",
            _at(path, node, chosen[1]),
        )
    if not chosen:
        return CreationRule(number, path_regex, "unencrypted_suffix", DEFAULT_UNENCRYPTED_SUFFIX, _at(path, node))
    selection = chosen[0]
    value, where = node[selection], _at(path, node, selection)
    if not isinstance(value, str):
        raise SopsConfigError(f"creation rule {number}: {selection} is not a string", where)
    if selection.endswith("_regex"):
        _compiles(value, where, f"creation rule {number}: {selection}")
    return CreationRule(number, path_regex, selection, value, where)


def load_sops_config(config: Path, shown: str | None = None) -> SopsConfig:
    """The creation rules of ``config``; ``shown`` is the path diagnostics name. Raises ``SopsConfigError``."""
    path = shown or str(config)
    try:
        text = config.read_text(encoding="utf-8")
        data = YAML(typ="rt").load(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise SopsConfigError(f"cannot read {CONFIG_NAME}: {getattr(exc, 'strerror', None) or 'not UTF-8'}",
                              SourceRange(path)) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = SourceRange(path, mark.line + 1, mark.column + 1) if mark is not None else SourceRange(path)
        raise SopsConfigError(f"{CONFIG_NAME} is not valid YAML: {exc.problem or 'syntax error'}", where) from None
    except YAMLError:
        raise SopsConfigError(f"{CONFIG_NAME} is not valid YAML", SourceRange(path)) from None
    if data is None:
        return SopsConfig(config)
    if not isinstance(data, dict):
        raise SopsConfigError(f"{CONFIG_NAME} must be a mapping with creation_rules", _at(path, data))
    rules = data.get("creation_rules") or []
    if not isinstance(rules, list):
        raise SopsConfigError("creation_rules must be a list", _at(path, data, "creation_rules"))
    return SopsConfig(config, tuple(_rule(path, i + 1, node, _item_at(path, rules, i)) for i, node in enumerate(rules)))
