"""Where a Magento 2 connection is tested: ``{baseUri}{advanced.pingPath}``, signed per ``auth``."""

from __future__ import annotations

from provisioner.applications.magento2.spec import Magento2Spec, OAuth1Auth, TokenAuth
from provisioner.declarations.base import ConnectionSpecBase
from provisioner.probe.target import BearerCredentials, Credentials, Endpoint, OAuth1Credentials


def _credentials(auth: OAuth1Auth | TokenAuth) -> Credentials:
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
    advanced = spec.advanced
    return Endpoint(
        base_uri=spec.auth.baseUri,
        credentials=_credentials(spec.auth),
        ping_path=advanced.pingPath,
        timeout_seconds=float(advanced.timeoutSeconds),
        verify_tls=advanced.verifyTls,
        ca_bundle=advanced.caBundle,
    )
