"""An applied project for the API and ``call`` tests: one connection per way of signing, and an echo server.

``shop`` (HMAC-SHA256), ``signed`` (RSA-SHA256), ``bearer`` (a bearer token) and ``plant`` (on-premise,
through agent ``dc1``: a forwarding proxy on loopback) point at a sandbox that accepts every method
(``MagentoVersion.ANY``). ``echo`` (HMAC-SHA256, applied with --skip-test) points at a server that sends
back what it was sent, the Authorization header and the connection's secrets in several encodings, to prove
that what comes back is redacted.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from provisioner.sandbox import MagentoVersion, Sandbox, SandboxConfig, running_sandbox
from tests.support.cli import run_cli_inprocess
from tests.support.magento import Creds, token
from tests.support.project import Project, summary
from tests.support.proxy import forwarding_proxy


def bearer_text(name: str, base_uri: str, access_token: str) -> str:
    return ("apiVersion: provisioner/v1\nkind: Connection\nmetadata:\n"
            f"  name: {name}\nspec:\n  application: magento2\n  mode: cloud\n  auth:\n    type: token\n"
            f"    baseUri: {base_uri}\n    accessToken: '{access_token}'\n")


class _Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    secrets: tuple[str, ...] = ()

    def log_message(self, format, *args):
        pass

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        sent = self.rfile.read(length).decode() if length else ""
        secret = self.server.secrets[0]  # type: ignore[attr-defined]
        body = json.dumps({
            "authorization": self.headers.get("Authorization"), "sent": sent, "plain": secret,
            "percent": quote(secret, safe=""), "path": self.path,
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Request-Id", secret)  # a header that is shown: redacted too
        self.send_header("Set-Cookie", f"session={secret}")  # not a shown header
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _answer


@contextmanager
def echo_server(secrets: tuple[str, ...]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    server.secrets = secrets  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/rest"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Fleet:
    project: Project
    base_uri: str
    proxied: list[str]  # paths the agent's proxy forwarded
    sandbox: Sandbox  # erp: shop and plant, pim: signed, app: bearer

    def cli(self, *args: str):
        return run_cli_inprocess(list(args), cwd=self.project.root, env=self.project.env)


@contextmanager
def applied_fleet(tmp_path: Path, state_url: str | None = None) -> Iterator[Fleet]:
    shop, signed, bearer, echo = (Creds.fresh("CANARY") for _ in range(4))
    integrations = (shop.integration("erp"), signed.integration("pim"), bearer.integration("app", allow_bearer=True))
    with (running_sandbox(SandboxConfig(integrations, magento=MagentoVersion.ANY)) as sb,
          forwarding_proxy() as (proxy_url, seen), echo_server((echo.access_token,)) as echo_uri):
        project = Project.create(tmp_path, state_url=state_url)
        project.write_connection("shop", sb.base_uri, shop)
        project.write_connection("signed", sb.base_uri, signed, method="RSA-SHA256")
        project.secrets.add(bearer.access_token)
        project.encrypt("bearer", bearer_text("bearer", sb.base_uri, bearer.access_token))
        project.write_agent("dc1", token("CANARY"), proxy_url)
        project.write_connection("plant", sb.base_uri, shop, agent="dc1")
        project.write_connection("echo", echo_uri, echo)
        project.secrets |= {base64.b64encode(s.encode()).decode() for s in (shop.access_token, bearer.access_token)}
        applied = run_cli_inprocess(["apply", "--auto-approve"], cwd=project.root, env=project.env)
        assert applied.returncode == 0, summary(applied)
        seen.clear()
        yield Fleet(project, sb.base_uri, seen, sb)
