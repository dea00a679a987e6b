"""One request to the sandbox: faults, routing, authentication, permission, answer.

The log line for a request holds its method, path (without the query), status and the
consumer key — an identifier — and nothing else: no header, no query, no body.
"""

from __future__ import annotations

import json
import logging
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from provisioner.applications.magento2 import errors as me
from provisioner.sandbox.integrations import Faults
from provisioner.sandbox.magento import FAULT_MESSAGES, error_body, html_page, match_route, not_authorized

if TYPE_CHECKING:
    from provisioner.sandbox.server import SandboxHTTPServer

log = logging.getLogger("provisioner.sandbox")
MAX_BODY = 1024 * 1024


class SandboxHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Apache"
    sys_version = ""
    timeout = 30  # idle keep-alive connections end, so their threads do too
    disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms delayed-ACK stalls
    server: SandboxHTTPServer

    def log_message(self, format: str, *args: object) -> None:
        """http.server's own access log would print the request line, query and all: silenced."""

    def _log(self, status: int | str, consumer_key: str | None) -> None:
        path = urlsplit(self.path).path
        log.info("%s %s %s consumer=%s", self.command, path, status, consumer_key or "-")

    def _send(self, status: int, body: bytes, content_type: str, consumer_key: str | None) -> None:
        self._log(status, consumer_key)  # before the answer: a client that has it can rely on the log line
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._log(status, consumer_key)  # before the body: a client that has its answer finds the line logged
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, status: int, body: bytes, consumer_key: str | None = None) -> None:
        self._send(status, body, "application/json; charset=utf-8", consumer_key)

    def _apply_faults(self, faults: Faults, consumer_key: str | None) -> bool:
        """Apply injected faults; True when the request has been dealt with (dropped or failed)."""
        if faults.delay_ms:
            time.sleep(faults.delay_ms / 1000)
        if faults.drop:
            self.close_connection = True
            self._log("dropped", consumer_key)
            return True
        if faults.status is not None:
            message = FAULT_MESSAGES.get(faults.status, "Injected fault")
            self._send_json(faults.status, error_body(message), consumer_key)
            return True
        return False

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, MAX_BODY)) if length > 0 else b""

    def _handle(self) -> None:
        self._read_body()
        state = self.server.state
        if state.latency_ms:
            time.sleep(state.latency_ms / 1000)
        if self._apply_faults(state.faults, None):
            return
        path = urlsplit(self.path).path
        if not (path == "/rest" or path.startswith("/rest/")):
            status, page = html_page(path)
            self._send(status, page.encode(), "text/html; charset=UTF-8", None)
            return
        route = match_route(path)
        if route is None or self.command not in ("GET", "HEAD"):
            self._send_json(404, error_body(me.NO_ROUTE))
            return
        url = f"{state.scheme}://{self.headers.get('Host') or state.authority}{self.path}"
        caller = state.authenticator.identify(self.command, url, self.headers.get("Authorization"))
        if caller.error is not None:
            self._send_json(*caller.error, consumer_key=caller.consumer_key)
            return
        integration = caller.integration
        if integration is not None and self._apply_faults(integration.faults, caller.consumer_key):
            return
        if integration is None or not integration.allows(route.resource):
            self._send_json(*not_authorized(route.resource), consumer_key=caller.consumer_key)
            return
        self._send_json(200, json.dumps(route.body).encode(), caller.consumer_key)

    do_GET = _handle
    do_HEAD = _handle
    do_POST = _handle
    do_PUT = _handle
    do_DELETE = _handle
