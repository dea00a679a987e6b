"""Reading the integrations file: a clear error for each mistake, never echoing a value."""

from __future__ import annotations

import pytest

from provisioner.errors import ConfigError
from provisioner.sandbox import Faults, load_integrations
from tests.support.magento import key_pair, token


def write(tmp_path, text):
    path = tmp_path / "integrations.yaml"
    path.write_text(text)
    return path


def test_full_file_loads(tmp_path):
    ck, cs, at, ts = token(), token(), token(), token()
    pem = "\n".join("      " + line for line in key_pair().public_pem.splitlines())
    path = write(tmp_path, f"""
faults: {{delayMs: 5}}
integrations:
  - name: erp
    consumerKey: {ck}
    consumerSecret: {cs}
    accessToken: {at}
    tokenSecret: {ts}
    publicKey: |
{pem}
    allowedResources: [Magento_Backend::store]
    allowBearer: true
    faults: {{status: 503}}
""")
    loaded = load_integrations(path)
    (erp,) = loaded.integrations
    assert loaded.faults == Faults(delay_ms=5)
    assert erp.consumer_key == ck and erp.access_token.get_secret_value() == at
    assert erp.allows("Magento_Backend::store") and not erp.allows("Magento_Catalog::products")
    assert erp.allow_bearer and erp.faults == Faults(status=503)
    assert at not in repr(erp)


def test_a_plain_list_is_accepted(tmp_path):
    path = write(tmp_path, f"- {{name: a, consumerKey: {token()}, accessToken: {token()}}}\n")
    assert load_integrations(path).integrations[0].allows("Anything::at_all")


def test_a_consumer_id_is_read(tmp_path):
    path = write(tmp_path, f"- {{name: a, consumerKey: {token()}, accessToken: {token()}, consumerId: 7}}\n"
                           f"- {{name: b, consumerKey: {token()}, accessToken: {token()}}}\n")
    assert [i.consumer_id for i in load_integrations(path).integrations] == [7, None]


@pytest.mark.parametrize(("entry", "expected"), [
    ("{name: a, consumerKey: short, accessToken: %T}", "consumerKey must be 32 characters"),
    ("{name: a, consumerKey: %T, accessToken: secret-canary-value}", "accessToken must be 32 characters"),
    ("{name: a, consumerKey: %T, accessToken: %T, colour: red}", "unknown field"),
    ("{name: a, consumerKey: %T, accessToken: %T, publicKey: nope}", "publicKey is not a PEM"),
    ("{name: a, consumerKey: %T, accessToken: %T, faults: {status: 200}}", "faults.status"),
    ("{consumerKey: %T, accessToken: %T}", "name is required"),
    ("{name: a, consumerKey: %T, accessToken: %T, consumerId: 0}", "consumerId must be a positive"),
    ("{name: a, consumerKey: %T, accessToken: %T, consumerId: true}", "consumerId must be a positive"),
    ("{name: a, consumerKey: %T, accessToken: %T, consumerId: '7'}", "consumerId must be a positive"),
])
def test_mistakes_are_named_without_values(tmp_path, entry, expected):
    path = write(tmp_path, "integrations:\n  - " + entry.replace("%T", token()) + "\n")
    with pytest.raises(ConfigError) as caught:
        load_integrations(path)
    assert expected in caught.value.message
    assert "secret-canary-value" not in caught.value.message


def test_unreadable_yaml_does_not_echo_the_line(tmp_path):
    path = write(tmp_path, "integrations: [ {consumerSecret: secret-canary-value\n")
    with pytest.raises(ConfigError) as caught:
        load_integrations(path)
    assert "secret-canary-value" not in caught.value.message
