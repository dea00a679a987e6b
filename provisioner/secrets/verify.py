"""``validate --decrypt`` in one call: decrypt, then check the secret values.

Call it only when structural validation found no errors. The age key comes from the
environment (SOPS_AGE_KEY_FILE / SOPS_AGE_KEY) or, failing that, from provisioner.yaml's
``secrets.ageKeyFile``.
"""

from __future__ import annotations

from collections.abc import Sequence

from provisioner.config import DEFAULT_PARALLELISM, ProjectConfig
from provisioner.declarations.declaration import Declaration
from provisioner.diagnostics import Diagnostics
from provisioner.secrets.checks import check_secrets
from provisioner.secrets.resolve import decrypt_declarations
from provisioner.secrets.sops import Sops


def project_sops(config: ProjectConfig | None) -> Sops:
    """A Sops for this project: its configured age key file is the fallback when the environment names none."""
    return Sops(age_key_file=config.age_key_file if config else None)


def decrypt_and_check(
    declarations: Sequence[Declaration],
    *,
    config: ProjectConfig | None = None,
    sops: Sops | None = None,
    parallelism: int = DEFAULT_PARALLELISM,
) -> Diagnostics:
    """Diagnostics from decrypting ``declarations`` and checking their secret values (never the values)."""
    decrypted, diagnostics = decrypt_declarations(
        declarations, parallelism=parallelism, sops=sops or project_sops(config)
    )
    diagnostics.extend(check_secrets(decrypted))
    return diagnostics
