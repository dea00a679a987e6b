"""Checks of a Magento 2 connection's decrypted credentials: integration keys and tokens are 32 characters.

Messages name fields, never values or their lengths.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from provisioner.applications.magento2.spec import Magento2Spec, OAuth1Auth

if TYPE_CHECKING:
    from provisioner.declarations.declaration import Declaration
    from provisioner.diagnostics import Diagnostics

MAGENTO_TOKEN_LENGTH = 32
# oauth1 credentials Magento issues for an integration (consumerKey is not a secret, but has the same shape).
_TOKEN_FIELDS = ("consumerKey", "consumerSecret", "accessToken", "tokenSecret")


def check_secret_values(d: Declaration, diagnostics: Diagnostics) -> None:
    """Warn about oauth1 credentials that are not 32 characters (blank ones are the generic check's error)."""
    spec = getattr(d.resource, "spec", None)
    if not isinstance(spec, Magento2Spec) or not isinstance(spec.auth, OAuth1Auth):
        return
    auth = spec.auth
    for name in _TOKEN_FIELDS:
        raw = getattr(auth, name)
        value = raw if isinstance(raw, str) or raw is None else raw.get_secret_value()
        if value is None or not value.strip() or len(value) == MAGENTO_TOKEN_LENGTH:
            continue
        path = f"spec.auth.{name}"
        diagnostics.warning(
            "secret.token-length", f"{path} is not {MAGENTO_TOKEN_LENGTH} characters long",
            hint="Magento integration keys and tokens are 32 characters: copy them again from "
            "System > Integrations", source=d.position(path),
        )
