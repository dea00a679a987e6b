"""The example Magento 2 connection ``provisioner init`` writes (plaintext: it goes to sops' stdin only)."""

from __future__ import annotations

from collections.abc import Callable

EXAMPLE_FILE = "connections/example.yaml"


def example_connection(token: Callable[[], str]) -> str:
    """An oauth1 HMAC-SHA256 connection whose credentials are placeholders from ``token()`` (32 characters)."""
    return (
        "# An example Magento 2 connection. Replace baseUri and the credentials with those of an\n"
        "# integration (Magento admin: System > Extensions > Integrations). Edit secrets with\n"
        f"#   provisioner secrets edit {EXAMPLE_FILE}   (or: sops edit {EXAMPLE_FILE})\n"
        "# Plain fields can be edited directly: .sops.yaml sets mac_only_encrypted.\n"
        "apiVersion: provisioner/v1\n"
        "kind: Connection\n"
        "metadata:\n"
        "  name: example\n"
        "  labels:\n"
        "    env: dev\n"
        "spec:\n"
        "  application: magento2\n"
        "  displayName: Magento 2 - Example\n"
        "  mode: cloud\n"
        "  auth:\n"
        "    type: oauth1\n"
        "    baseUri: https://magento.example.com/rest\n"
        "    # Magento 2.4.4+ accepts only HMAC-SHA256\n"
        "    signatureMethod: HMAC-SHA256\n"
        "    # the consumer key identifies the integration: not a secret\n"
        f"    consumerKey: {token()}\n"
        f"    consumerSecret: {token()}\n"
        f"    accessToken: {token()}\n"
        f"    tokenSecret: {token()}\n"
    )
