"""Where a Magento 2 connection is tested: ``{baseUri}{advanced.pingPath}``, signed per ``auth``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from provisioner.applications.magento2.spec import Magento2Spec, OAuth1Auth, TokenAuth
from provisioner.declarations.base import ConnectionSpecBase

if TYPE_CHECKING:  # the probe (requests, oauthlib) loads when a test runs, not for validate (issue 16)
    from provisioner.probe.target import Credentials, Endpoint


def _credentials(auth: OAuth1Auth | TokenAuth) -> Credentials:
    from provisioner.probe.target import BearerCredentials, OAuth1Credentials  # noqa: PLC0415 - see above

    if isinstance(auth, TokenAuth):
        return BearerCredentials(token=auth.accessToken)
    return OAuth1Credentials(
        consumer_key=auth.consumerKey,
        signature_method=auth.signatureMethod,
        access_token=auth.accessToken,
        consumer_secret=auth.consumerSecret,
        token_secret=auth.tokenSecret,
        private_key=auth.consumerPrivateKey,
        realm=auth.realm or None,
    )


def endpoint(spec: ConnectionSpecBase) -> Endpoint:
    if not isinstance(spec, Magento2Spec):
        raise TypeError(f"not a magento2 spec: {type(spec).__name__}")
    from provisioner.probe.target import Endpoint  # noqa: PLC0415 - see the imports

    advanced = spec.advanced
    return Endpoint(
        base_uri=spec.auth.baseUri,
        credentials=_credentials(spec.auth),
        ping_path=advanced.pingPath,
        timeout_seconds=float(advanced.timeoutSeconds),
        verify_tls=advanced.verifyTls,
        ca_bundle=advanced.caBundle,
    )
