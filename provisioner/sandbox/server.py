"""The sandbox server: a threaded HTTP(S) server on loopback, startable from tests and the CLI.

```python
with running_sandbox(SandboxConfig(integrations=(...,), magento=MagentoVersion.V2_4_4)) as sb:
    sb.base_uri   # http://127.0.0.1:PORT/rest
```
"""

from __future__ import annotations

import logging
import shutil
import socket
import ssl
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from provisioner.sandbox.authenticate import Authenticator, NonceCache
from provisioner.sandbox.front import Front
from provisioner.sandbox.handler import SandboxHandler
from provisioner.sandbox.integrations import Faults, Integration
from provisioner.sandbox.magento import DEFAULT_STORE_CODES, MagentoVersion
from provisioner.sandbox.tls import TlsFiles, generate_tls_files

log = logging.getLogger("provisioner.sandbox")


@dataclass(frozen=True)
class SandboxConfig:
    integrations: tuple[Integration, ...]
    magento: MagentoVersion = MagentoVersion.ANY
    host: str = "127.0.0.1"
    port: int = 0  # 0: a free port, chosen by the system
    tls: bool = False
    tls_dir: Path | None = None  # where the CA and server certificate go; default: a private temp dir
    latency_ms: int = 0
    faults: Faults = field(default_factory=Faults)
    # What stands around Magento (docs/probe.md): a web server that drops the Authorization header before PHP,
    # basic auth or a firewall in front, the store's clock (seconds ahead of this machine's; negative: behind),
    # a nonce table that fails.
    strip_authorization: bool = False
    front: Front | None = None
    clock_offset_seconds: float = 0.0
    nonce_storage_fails: bool = False
    # Verify signatures over the base string Magento builds (its query parsing, strnatcmp order, 2.4.6's
    # path normalisation); False: RFC 5849's, which accepts ping paths a real store refuses. docs/sandbox.md
    strict_parameters: bool = True
    store_codes: tuple[str, ...] = DEFAULT_STORE_CODES  # the stores /rest/<code>/V1/... routes to (and "all")


@dataclass
class ServerState:
    authenticator: Authenticator
    scheme: str
    authority: str
    latency_ms: int
    faults: Faults
    strip_authorization: bool = False
    front: Front | None = None
    store_codes: tuple[str, ...] = DEFAULT_STORE_CODES


ACCEPT_TIMEOUT_S = 0.5


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: ServerState, tls: ssl.SSLContext | None) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.state = state
        self._tls = tls
        super().__init__(address, SandboxHandler)
        # select() can report a connection that is gone before accept() (a client that gave up): a
        # blocking accept() would then hang the serve loop, and with it shutdown(). With a timeout it
        # raises instead, which socketserver treats as "no request this time".
        self.socket.settimeout(ACCEPT_TIMEOUT_S)

    def get_request(self) -> tuple[socket.socket, tuple[str, int]]:
        sock, address = self.socket.accept()
        if self._tls is not None:
            # The handshake happens in the request's own thread (finish_request), not in the accept loop.
            sock = self._tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def finish_request(self, request: socket.socket | tuple[bytes, socket.socket], client_address: object) -> None:
        if isinstance(request, ssl.SSLSocket):
            try:
                request.settimeout(SandboxHandler.timeout)
                request.do_handshake()
            except (ssl.SSLError, OSError) as exc:
                log.info("TLS handshake failed: %s", type(exc).__name__)
                return
        super().finish_request(request, client_address)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-request is routine here: one line, no traceback."""
        log.debug("connection ended abruptly")


class Sandbox:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.tls_files: TlsFiles | None = None
        self._own_tls_dir: Path | None = None
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def scheme(self) -> str:
        return "https" if self.config.tls else "http"

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        return int(self._server.server_address[1])

    @property
    def url_host(self) -> str:
        host = self.config.host
        if host in ("0.0.0.0", ""):  # noqa: S104 - naming the wildcard address, not binding to it
            return "127.0.0.1"
        if host == "::":
            return "[::1]"
        return f"[{host}]" if ":" in host else host

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.url_host}:{self.port}"

    @property
    def base_uri(self) -> str:
        """What a connection's ``auth.baseUri`` should be: the REST root."""
        return self.origin + "/rest"

    @property
    def ca_file(self) -> Path | None:
        return self.tls_files.ca_file if self.tls_files else None

    @property
    def integrations(self) -> tuple[Integration, ...]:
        """The integrations the running sandbox knows now (changed by the methods below)."""
        return self._running().authenticator.integrations

    def replace_integrations(self, integrations: tuple[Integration, ...]) -> None:
        """What an admin's changes in System > Extensions > Integrations do; requests after this see them."""
        self._running().authenticator.replace(integrations)

    def update_integration(self, name: str, **changes: Any) -> None:
        current = self.integrations
        if name not in {i.name for i in current}:
            raise KeyError(f"no integration named {name!r}")
        self.replace_integrations(tuple(replace(i, **changes) if i.name == name else i for i in current))

    def revoke_token(self, name: str) -> None:
        """Revoke the integration's access token (Magento's ``oauth_token.revoked = 1``)."""
        self.update_integration(name, revoked=True)

    def deactivate(self, name: str) -> None:
        """Set the integration inactive (``integration.status = 0``, as during a Reauthorize)."""
        self.update_integration(name, active=False)

    def _running(self) -> ServerState:
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        return self._server.state

    def start(self) -> Sandbox:
        config = self.config
        context = None
        if config.tls:
            directory = config.tls_dir
            if directory is None:
                directory = self._own_tls_dir = Path(tempfile.mkdtemp(prefix="provisioner-sandbox-"))
            self.tls_files = generate_tls_files(directory, config.host)
            context = self.tls_files.server_context()
        state = ServerState(
            authenticator=Authenticator(config.integrations, config.magento, NonceCache(),
                                        clock_offset_s=config.clock_offset_seconds,
                                        nonce_storage_fails=config.nonce_storage_fails,
                                        strict_parameters=config.strict_parameters),
            scheme=self.scheme, authority="", latency_ms=config.latency_ms, faults=config.faults,
            strip_authorization=config.strip_authorization, front=config.front, store_codes=config.store_codes,
        )
        self._server = SandboxHTTPServer((config.host, config.port), state, context)
        state.authority = f"{self.url_host}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="sandbox", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Block until ``stop`` is called (the CLI calls it from its signal handler)."""
        if self._thread is not None:
            self._thread.join()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._own_tls_dir is not None:
            shutil.rmtree(self._own_tls_dir, ignore_errors=True)
            self._own_tls_dir = None


@contextmanager
def running_sandbox(config: SandboxConfig) -> Iterator[Sandbox]:
    sandbox = Sandbox(config).start()
    try:
        yield sandbox
    finally:
        sandbox.stop()
