"""Does the repository's ``.sops.yaml`` encrypt every secret field its declarations use?

A creation rule whose ``encrypted_regex`` predates an application (or was written by hand)
leaves that application's secret fields in clear text the next time sops encrypts a file. The
declarations already committed are judged by the schema; this check judges the rule that will
encrypt the next one. The ``.sops.yaml`` is the one sops would use from the working directory;
none is not reported (sops then needs keys on its command line and encrypts every value).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from provisioner.declarations.declaration import Declaration
from provisioner.declarations.models import secret_paths
from provisioner.diagnostics import Diagnostic, Diagnostics, Severity, SourceRange
from provisioner.secrets.sops_config import encrypted_regex
from provisioner.secrets.sops_rules import (
    CONFIG_NAME,
    CreationRule,
    SopsConfig,
    SopsConfigError,
    find_sops_config,
    load_sops_config,
)


@dataclass
class _Uncovered:
    rule: CreationRule
    config: Path
    secret: str
    files: list[str] = field(default_factory=list)


def _shown_path(path: Path, cwd: Path) -> str:
    return os.path.relpath(path.resolve(), cwd)


def _and_others(files: Sequence[str]) -> str:
    more = len(files) - 1
    return files[0] + (f" and {more} other file{'s' if more > 1 else ''}" if more else "")


def _hint(rule: CreationRule) -> str:
    regex = encrypted_regex()
    if rule.selection == "encrypted_regex":
        return f"set encrypted_regex: '{regex}' (every secret field of the registered applications and Agent)"
    return (
        f"replace {rule.selection} with encrypted_regex: '{regex}' "
        "(every secret field of the registered applications and Agent)"
    )


class _Checker:
    def __init__(self, root: Path | None, cwd: Path) -> None:
        self.root, self.cwd = root, cwd
        self.diagnostics = Diagnostics()
        self.configs: dict[Path, SopsConfig | None] = {}
        self.uncovered: dict[tuple[Path, int, str], _Uncovered] = {}
        self.unmatched: list[str] = []

    def _shows_lines(self, config: Path) -> bool:
        """Positions (and so excerpts) only for a .sops.yaml inside the project: nothing else is ever quoted."""
        return self.root is not None and config.resolve().is_relative_to(self.root.resolve())

    def _where(self, config: Path, source: SourceRange) -> SourceRange:
        shown = _shown_path(config, self.cwd)
        return SourceRange(shown, source.line, source.column) if self._shows_lines(config) else SourceRange(shown)

    def config(self, path: Path) -> SopsConfig | None:
        key = path.resolve()
        if key not in self.configs:
            try:
                self.configs[key] = load_sops_config(path, _shown_path(path, self.cwd))
            except SopsConfigError as exc:
                self.configs[key] = None
                self.diagnostics.error(
                    "sops.config-invalid", exc.message, source=self._where(path, exc.source),
                    hint=f"fix {CONFIG_NAME}: sops reads it before encrypting any file (see docs/file-format.md)",
                )
        return self.configs[key]

    def check_file(self, found: Path, file: Path, paths: Sequence[str]) -> None:
        config = self.config(found)
        if config is None:
            return
        rule = config.rule_for(file)
        shown_file = _shown_path(file, self.cwd)
        if rule is None:
            self.unmatched.append(shown_file)
            return
        for path in paths:
            covered = rule.encrypts(path.split("."))
            if covered is None:
                self.diagnostics.add(Diagnostic(
                    Severity.INFO, "sops.rule-unchecked",
                    f"creation rule {rule.number} of {_shown_path(found, self.cwd)} selects values with "
                    f"{rule.selection}: provisioner cannot tell from key names whether it encrypts secret fields",
                    _hint(rule), self._where(found, rule.source),
                ))
                return
            if not covered:
                leaf = path.rsplit(".", 1)[-1]
                entry = self.uncovered.setdefault((found.resolve(), rule.number, leaf), _Uncovered(rule, found, leaf))
                if shown_file not in entry.files:
                    entry.files.append(shown_file)

    def report(self, found: Path) -> None:
        if self.unmatched:
            shown = _shown_path(found, self.cwd)
            self.diagnostics.warning(
                "sops.no-creation-rule",
                f"no creation rule of {shown} matches {_and_others(self.unmatched)}: sops will refuse to encrypt it",
                hint="add a rule whose path_regex matches the declaration files (provisioner init writes one)",
                source=SourceRange(shown),
            )
        for entry in self.uncovered.values():
            rule = entry.rule
            self.diagnostics.error(
                "sops.secret-not-encrypted",
                f"creation rule {rule.number} of {_shown_path(entry.config, self.cwd)} ({rule.selection} "
                f"'{rule.value}') does not encrypt `{entry.secret}`, a secret field used in {_and_others(entry.files)}",
                hint=_hint(rule), source=self._where(entry.config, rule.source),
            )


def check_sops_coverage(
    declarations: Sequence[Declaration], *, root: Path | None = None, cwd: Path | None = None
) -> Diagnostics:
    """Diagnostics for creation rules that would leave a secret field of ``declarations`` unencrypted.

    ``cwd`` (default: the working directory) is where sops would run: its ``.sops.yaml`` is the nearest one.

    ``root`` is the project root: positions in a ``.sops.yaml`` outside it are not given (so no
    excerpt of it is printed).
    """
    checker = _Checker(root, (cwd or Path.cwd()).resolve())
    found = find_sops_config(checker.cwd)
    if found is None:
        return checker.diagnostics
    by_file: dict[Path, list[str]] = {}
    for declaration in declarations:
        paths = by_file.setdefault(declaration.file, [])
        paths.extend(p for p in secret_paths(declaration.resource) if p not in paths)
    for file, paths in by_file.items():
        if paths:
            checker.check_file(found, file, paths)
    checker.report(found)
    return checker.diagnostics
