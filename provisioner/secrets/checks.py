"""Checks of secret values, once decrypted: what validation cannot see in ENC[...] text.

Generic, for every kind and application:
- an empty (or blank) secret is an error, and so is the placeholder ``import --from-target`` writes;
- a secret with leading or trailing whitespace is a warning (a copy-paste slip);
- an RSA private key (``consumerPrivateKey``) must parse as an unencrypted PEM RSA key; under 2048 bits warns.
Then each connection's application checks its own (``Application.check_secrets``: Magento's
32-character tokens).

Messages name fields, never values or their lengths.
"""

from __future__ import annotations

from collections.abc import Iterable

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from provisioner.applications.registry import application_for
from provisioner.declarations.declaration import Declaration
from provisioner.declarations.models import Connection, secret_paths
from provisioner.diagnostics import Diagnostics, SourceRange

MIN_RSA_BITS = 2048
# What `import --from-target` writes where a secret cannot be read back (integrator.io masks it).
PLACEHOLDER = "SET-THIS-SECRET"
_PRIVATE_KEY_FIELD = "consumerPrivateKey"


def load_rsa_key(pem: str) -> RSAPrivateKey | tuple[str, str]:
    """The RSA private key in ``pem``, or why it is not usable as (message, hint)."""
    try:
        key = load_pem_private_key(pem.encode("utf-8"), password=None)
    except TypeError:
        return "is a passphrase-protected key", "store it unencrypted (openssl pkey -in key.pem -out plain.pem)"
    except Exception:  # ValueError, UnsupportedAlgorithm, encoding errors: never echo the message
        return "is not a PEM private key", "paste the whole PEM block, from -----BEGIN ... PRIVATE KEY----- to END"
    if not isinstance(key, RSAPrivateKey):
        return "is not an RSA key", "RSA-SHA* signature methods need an RSA private key"
    return key


def _check_value(path: str, value: str, source: SourceRange, diagnostics: Diagnostics) -> bool:
    if not value.strip():
        diagnostics.error("secret.empty", f"{path} is empty", hint="set the value with `sops edit`", source=source)
        return False
    if value == PLACEHOLDER:
        diagnostics.error("secret.placeholder", f"{path}: set this secret (import could not read it back)",
                          hint="set the value with `provisioner secrets edit FILE`", source=source)
        return False
    if value != value.strip() and not path.endswith(_PRIVATE_KEY_FIELD):
        diagnostics.warning(
            "secret.whitespace", f"{path} has leading or trailing whitespace",
            hint="remove it with `sops edit`; servers compare credentials exactly", source=source,
        )
    return True


def _check_private_key(path: str, pem: str, source: SourceRange, diagnostics: Diagnostics) -> None:
    key = load_rsa_key(pem)
    if isinstance(key, tuple):
        message, hint = key
        diagnostics.error("secret.rsa-key-invalid", f"{path} {message}", hint=hint, source=source)
        return
    if key.key_size < MIN_RSA_BITS:
        diagnostics.warning(
            "secret.rsa-key-weak", f"{path} is a {key.key_size}-bit RSA key, under {MIN_RSA_BITS} bits",
            hint="generate a new key of at least 2048 bits and register its certificate with the application",
            source=source,
        )


def check_secrets(declarations: Iterable[Declaration]) -> Diagnostics:
    """Diagnostics for the secret values of decrypted ``declarations`` (encrypted ones are skipped)."""
    diagnostics = Diagnostics()
    for declaration in declarations:
        if not declaration.decrypted:
            continue
        resource = declaration.resource
        for path, secret in secret_paths(resource).items():
            value = secret.get_secret_value()
            source = declaration.position(path)
            if _check_value(path, value, source, diagnostics) and path.endswith(_PRIVATE_KEY_FIELD):
                _check_private_key(path, value, source, diagnostics)
        if isinstance(resource, Connection):
            application_for(resource.spec.application).check_secrets(declaration, diagnostics)
    return diagnostics
