"""A contract test server for integrator.io's connections API, on loopback, as documented.

It follows /work/shared/integratorio-contract.md (copied facts carry the contract's source tags):

- ``Authorization: Bearer <token>``; ``GET /v1/tokenInfo`` answers ``200 {"_userId": …}`` ([APID] readme,
  https://developer.celigo.com/api/authentication). A bad token gets 401 ``{"message": "Invalid token"}``
  (the disputed 401 shape: a client must accept it as well as ``{"errors": […]}``).
- ``GET /v1/connections``: 200 array with ``Link: <…>; rel="next"`` pagination, an opaque cursor; 204 with
  no body when there are none (https://developer.celigo.com/api/pagination, the connections reference).
- ``POST /v1/connections`` 201 with the document and ``_id``; 422 ``{"errors": [{code, message, field}]}``
  (https://developer.celigo.com/api/errors). ``GET /v1/connections/{id}`` 200 or 404.
- ``PUT /v1/connections/{id}``: a full replace, 200 with the document; what is omitted is erased, and a
  ``"******"`` sent back is stored as is ([DEV] api-conventions; celigo/ai SKILL.md Gotcha 2).
- Every read masks the write-only fields as ``"******"`` ([AI] oauth.yml, http.yml). Masking the POST and
  PUT responses too is INFERRED (open question 6).
- ``DELETE /v1/connections/{id}`` 204 ([APID]); ``GET …/dependencies`` an object keyed by resource type,
  ``{}`` when unused ([UI] 3878491835). What DELETE answers while in use is NOT FOUND (open question 4):
  this server deletes anyway, as the API is not known to refuse, so the client must ask first.
- ``POST /v1/connections/ping`` tests the connection in the body without saving it and answers 200 either
  way, with ``errors`` on failure, ``errors[0].code`` the shop's HTTP status ([UI] 25189038113,
  4061569708). It really calls the shop (the Magento sandbox), signing with requests-oauthlib as any
  client would. ``GET /v1/agents`` lists agents: the path is INFERRED ([DEV] on-premise-agents page title).
- An on-premise connection (top-level ``_agentId``, [UI] 3890845536) is pinged through its agent: the agent
  runs inside the private network and integrator.io reaches the shop only through it ([HC] 360004081771).
  Here an agent's reach is the proxy URL of the agent stand-in (``provisioner.sandbox.agent_proxy``); an
  agent with no reach is offline and its connections' pings fail ("verify the on-premise agent is online",
  [AI] diagnose-connection; the error's code and text are INFERRED).
- 429 with ``Retry-After: <seconds>`` and ``{"errors":[{"code":"rate_limited",…}]}`` ([DEV] rate-limits);
  503 is NOT FOUND in the docs and injected here as a transient failure ([AI] error-patterns).

Tests edit a connection "in the UI" with ``ui_edit`` (server side, as another user would).

``Account.hostile`` turns the server against its client (the leak scan): reads come back unmasked, and every
error, retry answer and failed ping echoes what the request carried — each string of its body and the
Authorization header — plain, percent-encoded, base64 and reversed; ``failing_pings`` makes that many pings
fail so. ``Account.script`` sends raw answers for one method and path (the hostile-answer tests): any status,
headers and bytes, a body repeated (a huge answer without holding it), a ``Content-Length`` that lies or none.
"""

from __future__ import annotations

import base64
import copy
import json
import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import requests
from oauthlib.oauth1 import SIGNATURE_TYPE_AUTH_HEADER
from requests_oauthlib import OAuth1

MASK = "******"
WRITE_ONLY = {("oauth1", "consumerSecret"), ("oauth1", "accessToken"), ("oauth1", "tokenSecret"),
              ("oauth1", "consumerPrivateKey"), ("token", "token"), ("token", "refreshToken")}
SIGNATURES = {"hmac-sha1": "HMAC-SHA1", "hmac-sha256": "HMAC-SHA256", "hmac-sha512": "HMAC-SHA512",
              "rsa-sha1": "RSA-SHA1", "rsa-sha256": "RSA-SHA256", "rsa-sha512": "RSA-SHA512",
              "plaintext": "PLAINTEXT"}
ACCEPT_TIMEOUT_S = 0.5
API_USER = "api-user@example.com"
UI_USER = "ui-user@example.com"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def masked(node: Any, parent: str = "") -> Any:
    """A connection as every read returns it: write-only values replaced by the mask."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if ((parent, key) in WRITE_ONLY and value is not None) or (key == "encrypted" and parent == "http"):
                out[key] = MASK
            else:
                out[key] = masked(value, key)
        return out
    return node


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def echo_of(body: Any, authorization: str) -> str:
    """What a hostile server says back: every string the request carried, in several encodings."""
    values = [v for v in dict.fromkeys([*_strings(body), authorization.removeprefix("Bearer ")]) if len(v) >= 8]
    forms = [f"{v} {quote(v, safe='')} {base64.b64encode(v.encode()).decode()} {v[::-1]}" for v in values]
    return " | ".join(forms)


@dataclass
class Fault:
    status: int
    count: int
    retry_after: int | None = None
    path: str = "/v1/"  # only requests whose path starts with this


@dataclass
class Scripted:
    """A raw answer to the next ``count`` requests for ``method`` and ``path`` (with its query: that one only)."""

    method: str
    path: str
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    count: int = 1
    repeat: int = 1  # the body is sent this many times
    length: int | None = None  # the Content-Length sent (None: the true one; -1: none, the connection closes)


@dataclass
class Requested:
    method: str
    path: str
    body: Any
    authorization: str = field(repr=False)


@dataclass
class Account:
    token: str = field(repr=False)
    page_size: int = 2
    connections: dict[str, dict[str, Any]] = field(default_factory=dict)
    agents: dict[str, dict[str, Any]] = field(default_factory=dict)
    agent_reach: dict[str, str] = field(default_factory=dict)  # agent id -> proxy URL; absent: offline
    dependencies: dict[str, dict[str, list[dict[str, str]]]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    scripts: list[Scripted] = field(default_factory=list)
    hostile: bool = False
    failing_pings: int = 0  # with ``hostile``: this many pings fail, echoing the connection
    log: list[Requested] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def shown(self, doc: dict[str, Any]) -> Any:
        """A connection as a read returns it: masked, unless the server is hostile."""
        return copy.deepcopy(doc) if self.hostile else masked(doc)

    # --- what tests do "in the UI" ---------------------------------------------------------------

    def add_agent(self, name: str, reach: str | None = None) -> str:
        """An installed agent; ``reach`` is the proxy URL it forwards through (None: the agent is offline)."""
        agent_id = secrets.token_hex(12)
        with self.lock:
            self.agents[agent_id] = {"_id": agent_id, "name": name, "description": f"agent {name}"}
            if reach is not None:
                self.agent_reach[agent_id] = reach
        return agent_id

    def agent_offline(self, agent_id: str) -> None:
        with self.lock:
            self.agent_reach.pop(agent_id, None)

    def ui_edit(self, connection_id: str, path: str, value: Any) -> None:
        """Set ``path`` (dotted) of a stored connection, as a user of the UI would."""
        with self.lock:
            node = self.connections[connection_id]
            *parents, last = path.split(".")
            for key in parents:
                node = node.setdefault(key, {})
            node[last] = value
            self.connections[connection_id].update(lastModified=now(), lastModifiedBy=UI_USER)

    def ui_delete(self, connection_id: str) -> None:
        with self.lock:
            del self.connections[connection_id]

    def add_dependency(self, connection_id: str, kind: str, name: str) -> None:
        with self.lock:
            self.dependencies.setdefault(connection_id, {}).setdefault(kind, []).append(
                {"_id": secrets.token_hex(12), "name": name})

    def clear_dependencies(self, connection_id: str) -> None:
        with self.lock:
            self.dependencies.pop(connection_id, None)

    def inject(self, status: int, count: int = 1, retry_after: int | None = None, path: str = "/v1/") -> None:
        with self.lock:
            self.faults.append(Fault(status, count, retry_after, path))

    def script(self, status: int, body: bytes = b"", *, method: str = "GET", path: str = "/v1/connections",
               headers: dict[str, str] | None = None, count: int = 1, repeat: int = 1,
               length: int | None = None) -> None:
        with self.lock:
            self.scripts.append(Scripted(method, path, status, body, dict(headers or {}), count, repeat, length))

    def requests(self, method: str | None = None, path: str | None = None) -> list[Requested]:
        with self.lock:
            return [r for r in self.log if (method is None or r.method == method)
                    and (path is None or r.path.startswith(path))]

    def stored(self, connection_id: str) -> dict[str, Any]:
        """The unmasked stored document (what the API would keep): tests check what was written."""
        with self.lock:
            return copy.deepcopy(self.connections[connection_id])


def validate(doc: Any, agents: dict[str, Any]) -> list[dict[str, str]]:
    """422 entries for what the connection schema requires ([AI] request.yml, http.yml "live-verified")."""
    if not isinstance(doc, dict):
        return [{"code": "invalid_field", "message": "body must be an object", "field": ""}]
    errors = [{"code": "missing_required_field", "message": f"{f} is required", "field": f}
              for f in ("name", "type") if not doc.get(f)]
    http = doc.get("http")
    if doc.get("type") == "http":
        if not isinstance(http, dict):
            return [*errors, {"code": "missing_required_field", "message": "http subschema not defined",
                              "field": "http"}]
        errors += [{"code": "missing_required_field", "message": f"http.{f} is required", "field": f"http.{f}"}
                   for f in ("baseURI", "mediaType") if not http.get(f)]
        auth = http.get("auth") or {}
        if auth.get("type") == "oauth1":
            oauth1 = (auth.get("oauth") or {}).get("oauth1") or {}
            method = oauth1.get("signatureMethod")
            needed = ["signatureMethod", "consumerKey", "accessToken"]
            needed += ["consumerPrivateKey"] if str(method).startswith("rsa-") else ["consumerSecret", "tokenSecret"]
            errors += [{"code": "missing_required_field", "message": f"{f} is required",
                        "field": f"http.auth.oauth.oauth1.{f}"} for f in needed if not oauth1.get(f)]
            if method is not None and method not in SIGNATURES:
                errors.append({"code": "invalid_field", "message": "unknown signatureMethod",
                               "field": "http.auth.oauth.oauth1.signatureMethod"})
        elif auth.get("type") == "token" and not (auth.get("token") or {}).get("token"):
            errors.append({"code": "missing_required_field", "message": "token is required",
                           "field": "http.auth.token.token"})
    if doc.get("_agentId") is not None and doc["_agentId"] not in agents:
        errors.append({"code": "invalid_ref", "message": "agent not found", "field": "_agentId"})  # INFERRED
    return errors


def ping(doc: dict[str, Any], agent_reach: dict[str, str]) -> dict[str, Any]:
    """Call the shop with the connection as given (the virtual ping): ``{"code": 200}`` or ``{"errors": …}``.

    A cloud connection is called directly; an on-premise one only through its agent's reach.
    """
    proxies: dict[str, str] | None = None
    if doc.get("_agentId") is not None:
        reach = agent_reach.get(doc["_agentId"])
        if reach is None:  # INFERRED code and text
            return {"errors": [{"code": "agent_offline", "message": "The on-premise agent is offline",
                                "source": "connection"}]}
        proxies = {"http": reach, "https": reach}
    http = doc.get("http") or {}
    ping_spec = http.get("ping") or {}
    url = str(http.get("baseURI", "")).rstrip("/") + str(ping_spec.get("relativeURI") or "")
    auth_spec = http.get("auth") or {}
    auth: Any = None
    headers: dict[str, str] = {}
    if auth_spec.get("type") == "oauth1":
        o = auth_spec["oauth"]["oauth1"]
        auth = OAuth1(o["consumerKey"], client_secret=o.get("consumerSecret"), resource_owner_key=o["accessToken"],
                      resource_owner_secret=o.get("tokenSecret"), rsa_key=o.get("consumerPrivateKey"),
                      signature_method=SIGNATURES[o["signatureMethod"]], signature_type=SIGNATURE_TYPE_AUTH_HEADER,
                      realm=o.get("realm"))
    elif auth_spec.get("type") == "token":
        t = auth_spec["token"]
        headers[t.get("headerName") or "Authorization"] = f"{t.get('scheme') or 'Bearer'} {t['token']}".strip()
    try:
        answer = requests.request(ping_spec.get("method") or "GET", url, auth=auth, headers=headers, timeout=10,
                                  proxies=proxies)
    except requests.RequestException as exc:
        why = f"could not reach the endpoint: {type(exc).__name__}"
        return {"errors": [{"code": "connection_error", "message": why, "source": "connection"}]}
    if answer.status_code >= 400:
        return {"errors": [{"code": answer.status_code, "message": answer.text[:200], "source": "connection"}]}
    return {"code": 200}


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"
    timeout = 10

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _raw(self, scripted: Scripted) -> None:
        self.close_connection = True  # what follows a lying Content-Length never reaches the next answer
        self.send_response(scripted.status)
        for key, value in scripted.headers.items():
            self.send_header(key, value)
        length = len(scripted.body) * scripted.repeat if scripted.length is None else scripted.length
        if length >= 0:
            self.send_header("Content-Length", str(length))
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for _ in range(scripted.repeat):
                self.wfile.write(scripted.body)
        except OSError:
            pass  # the client stopped reading (a capped body)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw else None

    def _dispatch(self, method: str) -> None:
        account = self.server.account
        url = urlsplit(self.path)
        try:
            body = self._body()
        except json.JSONDecodeError:
            self._send(400, {"errors": [{"code": "invalid_json", "message": "malformed JSON"}]})
            return
        with account.lock:
            account.log.append(Requested(method, url.path, body, self.headers.get("Authorization", "")))
            fault = next((f for f in account.faults if f.count > 0 and url.path.startswith(f.path)), None)
            if fault is not None:
                fault.count -= 1
            scripted = next((s for s in account.scripts if s.count > 0 and s.method == method
                             and s.path in (self.path, url.path if "?" not in s.path else None)), None)
            if scripted is not None:
                scripted.count -= 1
        if scripted is not None:
            self._raw(scripted)
            return
        echo = " " + echo_of(body, self.headers.get("Authorization", "")) if account.hostile else ""
        if fault is not None:
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            code = "rate_limited" if fault.status == 429 else "service_unavailable"
            self._send(fault.status, {"errors": [{"code": code, "message": "try again later" + echo}]}, headers)
            return
        if self.headers.get("Authorization") != f"Bearer {account.token}":
            self._send(401, {"message": "Invalid token" + echo})
            return
        self._route(method, url.path, parse_qs(url.query), body)

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> None:
        account = self.server.account
        parts = path.strip("/").split("/")
        if parts == ["v1", "tokenInfo"] and method == "GET":
            self._send(200, {"_userId": "5f0000000000000000000001"})
        elif parts == ["v1", "agents"] and method == "GET":
            with account.lock:
                items = list(account.agents.values())
            self._page(items, query, "/v1/agents")
        elif parts == ["v1", "connections"] and method == "GET":
            with account.lock:
                items = [account.shown(c) for c in account.connections.values()]
            self._page(items, query, "/v1/connections")
        elif parts == ["v1", "connections"] and method == "POST":
            self._create(body)
        elif parts == ["v1", "connections", "ping"] and method == "POST":
            with account.lock:
                errors = validate(body, account.agents)
                reach = dict(account.agent_reach)
                echoing = account.hostile and account.failing_pings > 0
                account.failing_pings -= echoing
            if echoing:
                echo = echo_of(body, self.headers.get("Authorization", ""))
                self._send(200, {"errors": [{"code": 401, "message": echo, "source": "connection"}]})
            else:
                self._send(422, {"errors": errors}) if errors else self._send(200, ping(body, reach))
        elif len(parts) == 3 and parts[:2] == ["v1", "connections"]:
            self._one(method, parts[2], body)
        elif len(parts) == 4 and parts[:2] == ["v1", "connections"] and parts[3] == "dependencies":
            with account.lock:
                found = parts[2] in account.connections
                deps = copy.deepcopy(account.dependencies.get(parts[2], {}))
            self._send(200, deps) if found else self._send(404, {"errors": [{"code": "not_found", "message": "x"}]})
        else:
            self._send(404, {"errors": [{"code": "not_found", "message": "no such resource"}]})

    def _page(self, items: list[dict[str, Any]], query: dict[str, list[str]], path: str) -> None:
        if not items:
            self._send(204)
            return
        start = int(base64.urlsafe_b64decode(query["after"][0]).decode()) if "after" in query else 0
        size = self.server.account.page_size
        page = items[start:start + size]
        headers = {}
        if start + size < len(items):
            cursor = base64.urlsafe_b64encode(str(start + size).encode()).decode()
            headers["Link"] = f'<{self.server.origin}{path}?after={cursor}>; rel="next"'
        self._send(200, page, headers)

    def _create(self, body: Any) -> None:
        account = self.server.account
        with account.lock:
            errors = validate(body, account.agents)
            if errors:
                self._send(422, {"errors": errors})
                return
            doc = {k: v for k, v in body.items() if k not in ("_id", "createdAt", "lastModified", "lastModifiedBy")}
            doc |= {"_id": secrets.token_hex(12), "createdAt": now(), "lastModified": now(),
                    "lastModifiedBy": API_USER}
            account.connections[doc["_id"]] = doc
            shown = account.shown(doc)
        self._send(201, shown)

    def _one(self, method: str, connection_id: str, body: Any) -> None:
        account = self.server.account
        missing = {"errors": [{"code": "not_found", "message": "connection not found"}]}  # body NOT FOUND: assumed
        with account.lock:
            current = account.connections.get(connection_id)
            if current is None:
                answer: tuple[int, Any] = (404, missing)
            elif method == "GET":
                answer = (200, account.shown(current))
            elif method == "DELETE":
                del account.connections[connection_id]
                answer = (204, None)
            elif method == "PUT":
                errors = validate(body, account.agents)
                if errors:
                    answer = (422, {"errors": errors})
                else:
                    doc = {k: v for k, v in body.items() if k not in ("_id", "createdAt", "lastModified")}
                    doc |= {"_id": connection_id, "createdAt": current.get("createdAt"), "lastModified": now(),
                            "lastModifiedBy": API_USER}
                    account.connections[connection_id] = doc  # a full replace: nothing of the old one is kept
                    answer = (200, account.shown(doc))
            else:
                answer = (405, {"errors": [{"code": "method_not_allowed", "message": method}]})
        self._send(*answer)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, account: Account) -> None:
        self.account = account
        super().__init__(("127.0.0.1", 0), Handler)
        self.socket.settimeout(ACCEPT_TIMEOUT_S)  # as provisioner/sandbox/server.py: a vanished client never hangs

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def get_request(self) -> tuple[socket.socket, Any]:
        return self.socket.accept()

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@contextmanager
def running_integratorio(token: str | None = None, page_size: int = 2) -> Iterator[tuple[Server, Account]]:
    """A contract server on a free loopback port; ``server.origin`` is what ``target.url`` should be."""
    account = Account(token or "IIOTOKEN" + secrets.token_hex(16), page_size=page_size)
    server = Server(account)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server, account
    finally:
        server.shutdown()
        server.server_close()
