"""import --from-target's choice of remote connections and the declarations it writes (placeholders, label)."""

from __future__ import annotations

from provisioner.declarations.models import parse_resource
from provisioner.secrets.checks import PLACEHOLDER
from provisioner.targets.integratorio.importing import REMOTE_ID_LABEL, declaration, select, slug


def doc(remote_id: str, name: str, **extra: object) -> dict:
    return {"_id": remote_id, "name": name, "type": "http", "assistant": "magento",
            "http": {"baseURI": "https://shop/rest/", "mediaType": "json", "ping": {"relativeURI": "/V1/modules"},
                     "auth": {"type": "oauth1", "oauth": {"oauth1": {
                         "signatureMethod": "rsa-sha256", "consumerKey": "k" * 32, "accessToken": "******",
                         "consumerPrivateKey": "******"}}}}, **extra}


def test_only_unmanaged_magento_connections_are_chosen_and_names_do_not_collide():
    docs = [doc("a" * 24, "Shop EU"), doc("b" * 24, "Shop EU"), doc("c" * 24, "Managed"),
            {"_id": "d" * 24, "name": "NetSuite", "type": "netsuite"}]
    chosen, unknown = select(docs, [], managed={"c" * 24}, declared=set())
    assert [name for name, _ in chosen] == ["shop-eu", "shop-eu-bbbbbbbb"] and unknown == []
    chosen, unknown = select(docs, ["b" * 24, "nope"], managed=set(), declared={"shop-eu"})
    assert [name for name, _ in chosen] == ["shop-eu-bbbbbbbb"] and unknown == ["nope"]
    assert slug("!!!", "e" * 24) == "connection-eeeeeeee"


def test_the_declaration_is_valid_with_placeholders_for_every_secret_and_the_remote_id_label():
    written = declaration(doc("a" * 24, "Shop EU", _agentId="f" * 24), "shop-eu", {"f" * 24: "dc1"})
    resource = parse_resource(written)
    assert resource.metadata.labels == {REMOTE_ID_LABEL: "a" * 24}
    spec = resource.spec
    assert (spec.mode, spec.agent, spec.displayName) == ("on-premise", "dc1", "Shop EU")
    assert spec.auth.signatureMethod.value == "RSA-SHA256" and spec.auth.baseUri == "https://shop/rest"
    assert spec.auth.consumerPrivateKey.get_secret_value() == PLACEHOLDER
    assert spec.auth.accessToken.get_secret_value() == PLACEHOLDER
    assert spec.advanced.pingPath == "/V1/modules"
    assert "******" not in repr(written)
