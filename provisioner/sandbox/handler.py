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
from provisioner.sandbox.front import HTML_TYPE, front_answer
from provisioner.sandbox.integrations import Faults
from provisioner.sandbox.magento import (
    FAULT_MESSAGES,
    error_body,
    html_page,
    match_route,
    missing_argument,
    not_authorized,
)

if TYPE_CHECKING:
    from provisioner.sandbox.server import SandboxHTTPServer

log = logging.getLogger("provisioner.sandbox")
MAX_BODY = 1024 * 1024
BAD_REQUEST_HTML = (
    "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head><title>400 Bad Request</title></head>"
    "<body><h1>Bad Request</h1><p>Your browser sent a request that this server could not understand.</p>"
    "</body></html>\n"
)


def printable(text: str) -> str:
    """``text`` for a log line: every character that is not printable as an escape (no forged lines)."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def request_target(target: str) -> str:
    """The origin form (path and query) of a request target: ``/rest/V1/x?q``, also from an absolute URL."""
    if target.startswith("/"):
        return target.split("#", 1)[0]
    try:
        parts = urlsplit(target)
    except ValueError:  # "http://[::1/...": not a URL
        return ""
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "") if parts.scheme else ""


def request_path(target: str) -> str:
    """The path of a request target, without its query (``//x`` is a path here, not a host)."""
    return request_target(target).split("?", 1)[0]


def valid_authority(authority: str) -> bool:
    """Whether a ``Host`` header is a host with an optional port (as Apache checks it before anything)."""
    if not authority or not authority.isascii() or not authority.isprintable() or any(c in authority for c in "/?#@ "):
        return False
    try:
        parts = urlsplit(f"//{authority}")
        _ = parts.port
    except ValueError:
        return False
    return bool(parts.hostname)


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
        log.info("%s %s %s consumer=%s", printable(self.command), printable(request_path(self.path)), status,
                 printable(consumer_key or "-"))

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header by the store's clock (``SandboxConfig.clock_offset_seconds``)."""
        now = time.time() if timestamp is None else timestamp
        return super().date_time_string(now + self.server.state.authenticator.clock_offset_s)

    def _send(self, status: int, body: bytes, content_type: str, consumer_key: str | None,
              headers: dict[str, str] | None = None) -> None:
        self._log(status, consumer_key)  # before the answer: a client that has it can rely on the log line
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
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

    def _read_body(self) -> bytes | None:
        """The body (at most ``MAX_BODY``), or None when ``Content-Length`` is not a length."""
        declared = (self.headers.get("Content-Length") or "0").strip()
        if not declared.isascii() or not declared.isdigit():
            return None
        length = int(declared[:12])  # more than a terabyte: read the cap, as for any long body
        return self.rfile.read(min(length, MAX_BODY)) if length > 0 else b""

    def _bad_request(self) -> None:
        """Apache's answer to a request it cannot parse (a bad Content-Length or Host): 400, then close."""
        self.close_connection = True
        self._send(400, BAD_REQUEST_HTML.encode(), "text/html; charset=iso-8859-1", None)

    def _handle(self) -> None:
        authority = self.headers.get("Host") or self.server.state.authority
        if self._read_body() is None or not valid_authority(authority) or not request_target(self.path):
            self._bad_request()
            return
        state = self.server.state
        if state.latency_ms:
            time.sleep(state.latency_ms / 1000)
        if self._apply_faults(state.faults, None):
            return
        refusal = front_answer(state.front)  # basic auth or a firewall refuses before PHP runs
        if refusal is not None:
            self._send(refusal[0], refusal[2], HTML_TYPE, None, refusal[1])
            return
        path = request_path(self.path)
        if not (path == "/rest" or path.startswith("/rest/")):
            status, page = html_page(path)
            self._send(status, page.encode(), "text/html; charset=UTF-8", None)
            return
        route = match_route(path, state.store_codes)
        if route is None or self.command not in ("GET", "HEAD"):
            self._send_json(404, error_body(me.NO_ROUTE))
            return
        url = f"{state.scheme}://{authority}{request_target(self.path)}"
        # strip_authorization: Apache with PHP-FPM/FastCGI and no HTTP_AUTHORIZATION pass-through: PHP (and so
        # Framework/Oauth/Helper/Request.php::prepareRequest) never sees the header; the caller is a guest.
        authorization = None if state.strip_authorization else self.headers.get("Authorization")
        caller = state.authenticator.identify(self.command, url, authorization)
        if caller.error is not None:
            self._send_json(*caller.error, consumer_key=caller.consumer_key)
            return
        integration = caller.integration
        if integration is not None and self._apply_faults(integration.faults, caller.consumer_key):
            return
        if integration is None or not integration.allows(route.resource):
            self._send_json(*not_authorized(route.resource), consumer_key=caller.consumer_key)
            return
        missing = missing_argument(route, request_target(self.path).partition("?")[2])
        if missing is not None:  # after authentication and the ACL check (InputParamsResolver::resolve)
            self._send_json(*missing, consumer_key=caller.consumer_key)
            return
        self._send_json(200, json.dumps(route.body).encode(), caller.consumer_key)

    do_GET = _handle
    do_HEAD = _handle
    do_POST = _handle
    do_PUT = _handle
    do_DELETE = _handle
