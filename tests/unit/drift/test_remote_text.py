"""What the remote side says is shown cleaned of every record's secrets and the target's own, but compared raw.

A hostile or careless account can echo what it was sent into any connection's name, URL or author field:
the plan and the drift report show those as ``[redacted]``. Cleaning happens after the comparison, so it
never invents or hides a difference, and the records are unsealed only when there is remote text to show.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from urllib.parse import quote

from provisioner.drift.remote import read_remote
from provisioner.targets import RemoteView
from tests.unit.drift.test_drift_statuses import ReadBackTarget, record

SECRET = "CANARYconsumerSecret0123456789ab"  # of connection.other
API_TOKEN = "CANARYapiToken0123456789abcdefgh"


class TokenTarget(ReadBackTarget):
    def own_secrets(self) -> tuple[str, ...]:
        return (API_TOKEN,)


class Unsealer:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, address: str) -> Mapping[str, str]:
        self.calls.append(address)
        return {"spec.auth.consumerSecret": SECRET} if address == "connection.other" else {}


def test_an_echoed_secret_of_another_record_is_shown_redacted() -> None:
    remote = {"r-shop": RemoteView("r-shop", {"spec": {"displayName": f"pasted {SECRET} here",
                                                       "advanced": {"timeoutSeconds": 30}}},
                                   modified_by=base64.b64encode(API_TOKEN.encode()).decode(),
                                   version=quote(SECRET, safe="")),
              "r-other": RemoteView("r-other", {"spec": {"displayName": "other"}})}
    unseal = Unsealer()
    found = read_remote(TokenTarget(remote), [record("shop"), record("other")], unseal=unseal,
                        list_undeclared=False)
    shop = found.findings["connection.shop"]
    assert shop.fields == ("spec.displayName",)
    shown = repr(shop)
    assert SECRET[:12] not in shown and quote(SECRET, safe="")[:12] not in shown
    assert base64.b64encode(API_TOKEN.encode()).decode()[:12] not in shown
    assert shop.remote["spec.displayName"] == "pasted [redacted] here"
    assert sorted(unseal.calls) == ["connection.other", "connection.shop"]


def test_cleaning_never_makes_or_hides_a_difference_and_unseals_nothing_when_nothing_is_shown() -> None:
    name = "shop " + API_TOKEN[:10]  # the declared name happens to hold what would be redacted
    stored = record("shop")
    stored.spec["spec"]["displayName"] = name
    remote = {"r-shop": RemoteView("r-shop", {"spec": {"displayName": name, "advanced": {"timeoutSeconds": 30}}})}
    unseal = Unsealer()
    found = read_remote(TokenTarget(remote), [stored], unseal=unseal, list_undeclared=False)
    assert found.findings == {} and unseal.calls == []


def test_an_undeclared_connection_is_shown_cleaned_of_every_record_s_secrets() -> None:
    remote = {"r-x": RemoteView("r-x", {"spec": {"displayName": f"copy of {SECRET}"}}, external_id=SECRET)}
    found = read_remote(TokenTarget(remote), [record("other")], unseal=Unsealer())
    (view,) = found.undeclared
    assert SECRET[:12] not in repr(view)
