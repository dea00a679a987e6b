"""A stand-in for an on-premise agent: a forwarding HTTP proxy on loopback with a host map.

An on-premise connection names a host that only its agent can reach (``magento.dc1.internal``);
the probe sends the request, absolute URI and all, to the agent's ``proxyUrl``. This proxy
looks the host up in its routes (``HOST=ADDRESS:PORT``), forwards the request there with the
``Host`` header unchanged (the OAuth 1.0 signature covers the URL the client saw, and the
sandbox rebuilds that URL from ``Host``), and relays the answer. A host it has no route for
gets 502, like a proxy that cannot resolve it. Plain HTTP only (no CONNECT).

    python -m provisioner.sandbox.agent_proxy --port 18090 --route magento.dc1.internal=127.0.0.1:18089

prints ``proxy-url: http://127.0.0.1:18090`` and a ``ready:`` line, then serves until SIGINT or
SIGTERM. It logs one line per request on stderr: method, host, path (no query, no header).
"""

from __future__ import annotations

import argparse
import http.client
import signal
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from urllib.parse import urlsplit

Route = tuple[str, int]
_HOP_BY_HOP = {"connection", "proxy-connection", "keep-alive", "proxy-authorization", "proxy-authenticate",
               "te", "trailer", "transfer-encoding", "upgrade"}


class AgentProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], routes: Mapping[str, Route], *, log: bool = False) -> None:
        self.routes = {host.lower(): target for host, target in routes.items()}
        self.log = log
        super().__init__(address, _ProxyHandler)
        self.socket.settimeout(0.5)  # never block the serve loop in accept() (see sandbox/server.py)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), int(self.server_address[1])
        return f"http://{host}:{port}"


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: AgentProxyServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self, status: int, text: str) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _forward(self) -> None:
        target = urlsplit(self.path)
        host = (target.hostname or "").lower()
        route = self.server.routes.get(host) if target.scheme == "http" else None
        if self.server.log:
            where = f"-> {route[0]}:{route[1]}" if route else "no route (502)"
            print(f"agent: {self.command} {host or '-'}{target.path} {where}", file=sys.stderr, flush=True)
        if route is None:
            self._answer(502, f"agent: no route to {host or 'that request'} (absolute http:// URLs only)\n")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        upstream = http.client.HTTPConnection(route[0], route[1], timeout=30)
        try:
            upstream.request(self.command, target.path + (f"?{target.query}" if target.query else "") or "/",
                             body=body, headers=headers)
            answer = upstream.getresponse()
            payload = answer.read()
        except OSError as exc:
            self._answer(502, f"agent: {host} unreachable ({type(exc).__name__})\n")
            return
        finally:
            upstream.close()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in _HOP_BY_HOP and key.lower() != "content-length":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = _forward
    do_HEAD = _forward
    do_POST = _forward
    do_PUT = _forward
    do_DELETE = _forward


def parse_route(text: str) -> tuple[str, Route]:
    """``HOST=ADDRESS:PORT`` → (host, (address, port)); raises ValueError naming what is wrong."""
    host, sep, target = text.partition("=")
    address, colon, port = target.rpartition(":")
    if not sep or not host or not colon or not address or not port.isdigit():
        raise ValueError(f"route {text!r} is not HOST=ADDRESS:PORT")
    return host.strip().lower(), (address.strip("[]"), int(port))


@contextmanager
def running_agent_proxy(routes: Mapping[str, Route], host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve in a thread; yields the proxy URL (for an Agent's ``proxyUrl``)."""
    server = AgentProxyServer((host, port), routes)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m provisioner.sandbox.agent_proxy",
                                     description="A forwarding HTTP proxy standing in for an on-premise agent.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback by default)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (printed)")
    parser.add_argument("--route", action="append", default=[], metavar="HOST=ADDRESS:PORT",
                        help="forward requests for HOST to ADDRESS:PORT (repeatable)")
    args = parser.parse_args(argv)
    try:
        routes = dict(parse_route(r) for r in args.route)
    except ValueError as exc:
        parser.error(str(exc))
    try:
        server = AgentProxyServer((args.host, args.port), routes, log=True)
    except OSError as exc:
        print(f"agent: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    print(f"proxy-url: {server.url}", flush=True)
    print(f"ready: agent proxy with {len(routes)} route(s): {', '.join(sorted(routes)) or 'none'}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
