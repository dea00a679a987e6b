"""``provisioner validate``: every declaration file checked, every problem reported; nothing printed here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from provisioner.config import ProjectConfig, load_config
from provisioner.declarations.declaration import Declaration
from provisioner.declarations.loader import validate_paths
from provisioner.diagnostics import Diagnostic, Diagnostics, Severity
from provisioner.paths import shown_path
from provisioner.secrets.sops_coverage import check_sops_coverage

DEFAULT_DIRECTORY = "connections"


@dataclass(frozen=True)
class ValidateResult:
    paths: tuple[Path, ...]
    files: tuple[Path, ...]
    declarations: tuple[Declaration, ...]
    diagnostics: Diagnostics
    decrypted: bool = False  # --decrypt ran: secrets were decrypted and their values checked

    @property
    def ok(self) -> bool:
        return not self.diagnostics.has_errors


def default_paths(config: ProjectConfig) -> tuple[Path, ...]:
    """``paths`` from provisioner.yaml, else ``connections/`` beside it (or in the working directory)."""
    return config.paths or (config.root / DEFAULT_DIRECTORY,)


def resolve_paths(paths: Sequence[Path] = (), config: ProjectConfig | None = None) -> tuple[Path, ...]:
    """``paths``, or the project's declaration paths, as diagnostics should show them (relative to the cwd)."""
    cwd = Path.cwd().resolve()
    chosen = tuple(paths) or default_paths(config or load_config(cwd))
    # absolute paths under the working directory are shown relative to it (GitHub annotations need that)
    return tuple(Path(shown_path(p, cwd)) if p.is_absolute() else p for p in chosen)


def validate(
    paths: Sequence[Path] = (), *, config: ProjectConfig | None = None, decrypt: bool = False
) -> ValidateResult:
    """Validate ``paths`` (default: the project's declaration paths).

    Also checks that the ``.sops.yaml`` creation rule of each file encrypts every secret field it uses.
    With ``decrypt``, and only when the structure is valid, also decrypt the secrets (sops)
    and check their values; the age key comes from the environment or provisioner.yaml.
    """
    cwd = Path.cwd().resolve()
    if config is None and (decrypt or not paths):
        config = load_config(cwd)
    chosen = resolve_paths(paths, config)
    loaded = validate_paths(chosen)
    diagnostics = loaded.diagnostics
    diagnostics.extend(check_sops_coverage(loaded.declarations, root=config.root if config else cwd, cwd=cwd))
    ran = decrypt and not diagnostics.has_errors
    if ran:
        # sops and cryptography load only for --decrypt: a pre-commit hook runs plain validate (issue 16)
        from provisioner.secrets.verify import decrypt_and_check  # noqa: PLC0415

        diagnostics.extend(decrypt_and_check(loaded.declarations, config=config))
    elif decrypt:
        diagnostics.add(Diagnostic(
            Severity.INFO, "secrets.skipped", "secrets were not decrypted: the declarations have errors",
            hint="fix the errors above, then run validate --decrypt again",
        ))
    return ValidateResult(
        paths=chosen,
        files=tuple(loaded.files),
        declarations=tuple(loaded.declarations),
        diagnostics=diagnostics,
        decrypted=ran,
    )
