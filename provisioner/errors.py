"""Exceptions for the unrecoverable. One boundary (``provisioner.cli``) maps them to exit codes.

Errors a user can cause in a file are ``Diagnostic``s, not exceptions. Messages of these
exceptions are shown to users: never put a secret value in one.
"""

from __future__ import annotations

from provisioner.diagnostics import Diagnostics


class ProvisionerError(Exception):
    """A failure the user can act on; exit code 1 unless a subclass says otherwise."""

    exit_code = 1
    code = "error"

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if code is not None:
            self.code = code


class InvalidInputError(ProvisionerError):
    """Declarations (or other input) failed validation; carries the diagnostics."""

    code = "invalid-input"

    def __init__(self, diagnostics: Diagnostics, message: str = "the declarations are not valid") -> None:
        super().__init__(message)
        self.diagnostics = diagnostics


class ConfigError(ProvisionerError):
    """provisioner.yaml, environment or flags are wrong."""

    code = "config"


class SecretsError(ProvisionerError):
    """sops failed, a key is missing, or a secret cannot be used."""

    code = "secrets"


class StateError(ProvisionerError):
    """The state store cannot be opened, read, verified or written."""

    code = "state"


class LockError(StateError):
    """The workspace lock is held by someone else."""

    code = "locked"


class StalePlanError(ProvisionerError):
    """A saved plan no longer matches the state or the files."""

    code = "stale-plan"


class Interrupted(BaseException):
    """SIGINT or SIGTERM: unwinds the stack (so ``finally`` blocks release leases), then the CLI exits 128+N.

    A ``BaseException``, like ``KeyboardInterrupt``, so no ``except Exception`` swallows it; unlike
    it, the CLI framework does not turn it into a silent exit code.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
