"""integrator.io's answers as an attacker would send them, from a real loopback server (``Account.script``).

A next link or a redirect to another origin never gets the API token (nor a connection's secrets); a link
that loops or never ends stops; any ``Retry-After`` waits 0..60 s within the deadline (the client's
``clock``/``sleep`` seams: nothing really waits); a malformed, huge or deeply nested body is a ``bad-answer``
``TargetError`` for that item, never a traceback and never taken for success.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from provisioner.declarations.declaration import Declaration
from provisioner.diagnostics import SourceRange
from provisioner.state.records import Record
from provisioner.targets import TargetError
from provisioner.targets.base import Desired
from provisioner.targets.integratorio.client import Client
from provisioner.targets.integratorio.config import TOKEN_ENV, Settings
from provisioner.targets.integratorio.target import IntegratorioTarget
from tests.support.integratorio_server import Account, Server, running_integratorio
from tests.support.magento import bearer_connection

SECRET = "CANARYbearer0123456789abcdefXYZ"
ID = "5f" + "0" * 22
CONNECTIONS = "/v1/connections"


@dataclass
class Rig:
    server: Server
    account: Account
    client: Client
    waits: list[float] = field(default_factory=list)
    now: float = 1000.0

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def target(self) -> IntegratorioTarget:
        target = IntegratorioTarget(Settings(url=self.server.origin), self.client)
        target._lineage = "L"
        return target


@pytest.fixture
def rig() -> Iterator[Rig]:
    with running_integratorio() as (server, account):
        client = Client(server.origin, environ={TOKEN_ENV: account.token}, backoff_s=0.01)
        rig = Rig(server, account, client)
        client.clock, client.sleep = (lambda: rig.now), rig.sleep
        yield rig
        client.close()


def desired() -> Desired:
    resource = bearer_connection("shop", "https://shop.example/rest", SECRET)
    return Desired("connection.shop", "create", {}, Declaration(resource, Path("x.yaml"), 0, SourceRange(1, 1, 1, 1),
                                                                decrypted=True))


def page(*ids: str) -> bytes:
    return json.dumps([{"_id": i, "name": f"c{i[-2:]}"} for i in ids]).encode()


def refused_as_bad(call: object) -> TargetError:
    with pytest.raises(TargetError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.code == "bad-answer", caught.value.message
    return caught.value


# --- Link: rel="next" ----------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["other port", "userinfo trick", "protocol-relative"])
def test_a_next_link_to_another_origin_never_gets_the_token(rig: Rig, form: str) -> None:
    with running_integratorio() as (other, elsewhere):
        host = other.origin.removeprefix("http://")
        link = {"other port": other.origin + CONNECTIONS, "userinfo trick": f"{rig.server.origin}@{host}/v1/x",
                "protocol-relative": f"//{host}{CONNECTIONS}"}[form]
        rig.account.script(200, page(ID), headers={"Link": f'<{link}>; rel="next"'})
        error = refused_as_bad(lambda: list(rig.client.pages(CONNECTIONS)))
        assert "another origin" in error.message and host not in error.message
        assert elsewhere.requests() == []  # nothing at all reached the other origin


def test_a_next_link_back_to_the_same_page_or_an_earlier_one_stops(rig: Rig) -> None:
    rig.account.script(200, page(ID), headers={"Link": f'<{rig.server.origin}{CONNECTIONS}>; rel="next"'}, count=5)
    assert "already read" in refused_as_bad(lambda: list(rig.client.pages(CONNECTIONS))).message
    rig.account.scripts.clear()
    rig.account.script(200, page(ID), path=CONNECTIONS + "?after=b", headers={"Link": f'<{CONNECTIONS}>; rel="next"'},
                       count=5)
    rig.account.script(200, page(ID), headers={"Link": f'<{CONNECTIONS}?after=b>; rel="next"'}, count=5)
    assert "already read" in refused_as_bad(lambda: list(rig.client.pages(CONNECTIONS))).message


def test_a_list_that_never_ends_stops_at_the_page_bound(rig: Rig) -> None:
    rig.account.page_size = 1
    rig.account.connections.update({f"{n:024x}": {"_id": f"{n:024x}", "name": str(n)} for n in range(6)})
    assert len(list(rig.client.pages(CONNECTIONS))) == 6
    rig.client.max_pages = 3
    assert "more than 3 pages" in refused_as_bad(lambda: list(rig.client.pages(CONNECTIONS))).message


@pytest.mark.parametrize("link", ["<", "garbage", ';rel="next"', "<a>; rel", '<http://[::1>; rel="next"',
                                  '<>; rel="next", <>; rel="next"', "\x00\x01"])
def test_a_malformed_link_is_the_end_of_the_list_or_a_clear_error(rig: Rig, link: str) -> None:
    rig.account.script(200, page(ID), headers={"Link": link})
    try:
        items = list(rig.client.pages(CONNECTIONS))
    except TargetError as exc:
        assert exc.code == "bad-answer", exc.message
    else:
        assert [i["_id"] for i in items] == [ID]


# --- redirects -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "method"), [(302, "GET"), (307, "POST"), (308, "PUT")])
def test_a_redirect_is_never_followed_so_neither_the_token_nor_a_secret_leaves(rig: Rig, status: int,
                                                                                method: str) -> None:
    with running_integratorio() as (other, elsewhere):
        path = CONNECTIONS + (f"/{ID}" if method == "PUT" else "")
        rig.account.script(status, b"", method=method, path=path, headers={"Location": other.origin + path})
        answer = rig.client.call(method, path, {"secret": SECRET})
        assert answer.status_code == status
        assert elsewhere.requests() == []  # requests would resend a 307/308 body (the secrets) to the Location


# --- Retry-After ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("header", "wait"), [
    ("1000000000", 60.0), ("-5", 0.0), ("soon", 1.0), ("", 1.0), ("nan", 1.0), ("inf", 60.0), ("1e999", 60.0),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("Fri, 01 Jan 2100 00:00:00 GMT", 60.0), ("Fri, 99 Foo 2100", 1.0),
])
def test_any_retry_after_waits_between_0_and_60_seconds(rig: Rig, header: str, wait: float) -> None:
    rig.client.check_token()
    rig.account.script(429, b'{"errors": []}', headers={"Retry-After": header})
    assert rig.client.call("GET", CONNECTIONS).status_code == 204
    assert rig.waits == [wait]


def test_a_huge_retry_after_forever_ends_at_the_deadline_with_the_last_answer(rig: Rig) -> None:
    rig.client.check_token()
    rig.account.script(429, b"", headers={"Retry-After": "999999999"}, count=100)
    assert rig.client.call("GET", CONNECTIONS).status_code == 429
    assert sum(rig.waits) <= rig.client.deadline_s and rig.waits == [60.0]


def test_retry_after_zero_forever_does_not_hammer_the_account(rig: Rig) -> None:
    rig.client.check_token()
    rig.account.script(429, b"", headers={"Retry-After": "0"}, count=1000)
    assert rig.client.call("GET", CONNECTIONS).status_code == 429
    assert len(rig.account.requests("GET", CONNECTIONS)) <= 12


def test_backoff_of_a_5xx_is_at_most_8_seconds_a_wait(rig: Rig) -> None:
    rig.client.check_token()
    rig.client.backoff_s = 100.0
    rig.account.script(503, b"", count=3)
    rig.client.deadline_s = 10_000.0
    assert rig.client.call("GET", CONNECTIONS).status_code == 204
    assert len(rig.waits) == 3 and max(rig.waits) <= 8.0


# --- malformed bodies ----------------------------------------------------------------------------

DEEP = b"[" * 100_000
CREATES = {  # the 201 of POST /v1/connections
    "not JSON": b"<html>created</html>",
    "deeply nested": DEEP,
    "not an object": b'["5f00"]',
    "no _id": b'{"name": "shop"}',
    "_id an object": b'{"_id": {"$oid": "5f00"}}',
    "_id a path": b'{"_id": "../tokenInfo?x="}',
    "lastModified an object": b'{"_id": "5f0000000000000000000000", "lastModified": {"$date": 1}}',
    "not UTF-8": b'{"_id": "\xff\xfe"}',
    "a 5000-digit number": b'{"_id": ' + b"9" * 5000 + b"}",
}


@pytest.mark.parametrize("case", sorted(CREATES))
def test_a_malformed_create_answer_fails_that_item_clearly(rig: Rig, case: str) -> None:
    rig.account.script(201, CREATES[case], method="POST", headers={"Content-Type": "application/json"})
    refused_as_bad(lambda: rig.target().put(desired()))


PINGS = {
    "not JSON": b"ok",
    "deeply nested": DEEP,
    "a list": b"[]",
    "errors an object": b'{"errors": {"code": 401}}',
    "errors a number": b'{"errors": 5}',
}


@pytest.mark.parametrize("case", sorted(PINGS))
def test_a_malformed_ping_answer_is_never_a_pass(rig: Rig, case: str) -> None:
    rig.account.script(200, PINGS[case], method="POST", path=CONNECTIONS + "/ping")
    refused_as_bad(lambda: rig.target().test(desired()))


def test_ping_error_entries_that_are_not_objects_or_have_odd_codes_still_fail_the_test(rig: Rig) -> None:
    for body in (b'{"errors": ["x", 1]}', b'{"errors": [{"code": {"a": 1}}]}', b'{"errors": [{"code": true}]}'):
        rig.account.script(200, body, method="POST", path=CONNECTIONS + "/ping")
        with pytest.raises(TargetError) as caught:
            rig.target().test(desired())
        assert caught.value.code == "unreachable", body


@pytest.mark.parametrize("body", [b'{"_id": "x"}', b"nope", DEEP, b'{"a": 1}'])
def test_a_list_page_that_is_not_a_list_is_refused_not_read_as_empty(rig: Rig, body: bytes) -> None:
    rig.account.script(200, body)  # read as empty, an externalId lookup would create a duplicate
    refused_as_bad(lambda: list(rig.client.pages(CONNECTIONS)))


@pytest.mark.parametrize("status", [401, 422, 500])
def test_a_deeply_nested_or_non_json_error_body_is_described_by_its_status(rig: Rig, status: int) -> None:
    for body in (DEEP, b"\xff<oops>"):
        rig.account.script(status, body, method="POST", count=20)  # a 500 is retried
        with pytest.raises(TargetError) as caught:
            rig.target().put(desired())
        assert f"HTTP {status}" in caught.value.message
        rig.account.scripts.clear()


def test_dependencies_and_reads_of_the_wrong_shape_are_clear_errors(rig: Rig) -> None:
    record = Record("connection.shop", "Connection", "shop", {}, {}, {}, None, datetime(2026, 1, 1, tzinfo=UTC),
                    "t", None, 1, {"remote_id": ID})
    rig.account.script(200, b'["flow"]', path=f"{CONNECTIONS}/{ID}/dependencies")
    refused_as_bad(lambda: rig.target().delete(record))
    rig.account.script(200, b'[{"_id": "x"}]', path=f"{CONNECTIONS}/{ID}")
    refused_as_bad(lambda: rig.target().read(record))
    rig.account.script(200, b'{"_id": "5f", "lastModified": ["x"]}', path=f"{CONNECTIONS}/{ID}")
    refused_as_bad(lambda: rig.target().read(record))
    hostile = dataclasses.replace(record, target_outputs={"remote_id": "../../tokenInfo"})
    refused_as_bad(lambda: rig.target().read(hostile))
    assert not rig.account.requests("GET", "/v1/tokenInfo?")


# --- huge bodies, lying lengths ------------------------------------------------------------------

@pytest.mark.parametrize("length", [None, -1], ids=["declared", "undeclared"])
def test_a_50_mb_answer_is_not_read_past_the_cap(rig: Rig, length: int | None) -> None:
    rig.account.script(200, b" " * (1024 * 1024), repeat=50, length=length)
    assert "larger than 16 MiB" in refused_as_bad(lambda: list(rig.client.pages(CONNECTIONS))).message


def test_a_content_length_longer_than_the_body_is_a_dropped_answer_retried_for_a_read(rig: Rig) -> None:
    rig.client.check_token()
    rig.account.script(200, page(ID), length=10_000)
    assert rig.client.call("GET", CONNECTIONS).status_code == 204  # the retry got the true (empty) list
    assert rig.client.retries == 1


def test_a_content_length_lie_on_a_create_is_not_retried(rig: Rig) -> None:
    rig.account.script(201, b'{"_id": "5f0000000000000000000000"}', method="POST", length=10_000)
    with pytest.raises(TargetError) as caught:
        rig.target().put(desired())
    assert caught.value.code == "unreachable" and "not retried" in caught.value.message
    assert len(rig.account.requests("POST", CONNECTIONS)) == 1


def test_a_content_length_shorter_than_the_body_is_a_truncated_answer(rig: Rig) -> None:
    rig.account.script(201, b'{"_id": "5f0000000000000000000000"}', method="POST", length=12)
    refused_as_bad(lambda: rig.target().put(desired()))


def test_a_gzip_bomb_is_capped_once_decoded(rig: Rig) -> None:
    bomb = gzip.compress(b"\0" * (1024 * 1024), compresslevel=9)  # 1 MiB in about 1 kB; 50 members: 50 MiB
    rig.account.script(200, bomb, repeat=50, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})
    assert "larger than 16 MiB" in refused_as_bad(lambda: list(rig.client.pages(CONNECTIONS))).message


def test_agents_listed_without_an_id_or_with_odd_names_are_not_a_crash(rig: Rig) -> None:
    rig.account.script(200, b'[{"name": "dc1"}, {"_id": ["x"], "name": "dc1"}, {"_id": "a1", "name": ["dc1"]}]',
                       path="/v1/agents")
    target = rig.target()
    with pytest.raises(TargetError) as caught:
        target._agent_id("dc1")
    assert caught.value.code == "agent-not-found"


@pytest.mark.parametrize("doc", [{"http": "x"}, {"http": {"auth": []}}, {"http": {"auth": {"oauth": 5}}},
                                 {"http": {"auth": {"type": "oauth1", "oauth": {"oauth1": "k"}}}},
                                 {"http": {"ping": ["/V1"]}}], ids=["http", "auth", "oauth", "oauth1", "ping"])
def test_a_connection_whose_blocks_are_not_objects_is_a_clear_error_for_plan_drift_and_import(rig: Rig,
                                                                                            doc: dict) -> None:
    body = json.dumps({"_id": ID, "name": "x", "type": "http", "assistant": "magento", **doc}).encode()
    record = Record("connection.shop", "Connection", "shop", {}, {}, {}, None, datetime(2026, 1, 1, tzinfo=UTC),
                    "t", None, 1, {"remote_id": ID})
    rig.account.script(200, body, path=f"{CONNECTIONS}/{ID}")
    refused_as_bad(lambda: rig.target().read(record))
    rig.account.script(200, b"[" + body + b"]", count=2)
    refused_as_bad(lambda: list(rig.target().read_all()))
    refused_as_bad(lambda: rig.target().remote_documents())
