"""A hostile HTTP(S) endpoint on loopback, for the probe's fault and leak tests.

A real raw-socket server on 127.0.0.1 (a thread per connection). The first path segment
of the request picks what it does, so one server serves a connection per mode:
``base_uri("reset")`` is ``http://127.0.0.1:PORT/reset/rest``. Echo modes are
``echo/WHERE/ITEM/ENCODING``: they send back an ITEM of the request (``auth``: the
Authorization header; ``token``: oauth_token or the bearer token; ``signature``: the
oauth_signature percent-decoded; ``plaintext``: it decoded twice; ``head``: the whole request
head) in one ENCODING, placed WHERE (``body``: a 401 JSON message at offset 469, ``params``:
a Magento parameter, ``split``: half in the message and half in a parameter, ``location``:
a redirect, ``type``: the Content-Type, ``403``/``500``: a JSON message with that status).
``tls_base_uri(mode)`` serves the same modes over HTTPS, with a certificate issued by a
throwaway CA (``ca_file``): untrusted unless a connection's caBundle names it.

``leaks(text, secrets)`` is the scanner the tests use: it is written apart from the
redactor on purpose (a shared bug would hide itself).
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote

from provisioner.sandbox.tls import generate_tls_files

ENCODINGS: dict[str, Callable[[str], str]] = {
    "plain": lambda s: s,
    "lower": str.lower,
    "upper": str.upper,
    "percent": lambda s: quote(s, safe=""),
    "percent-lower": lambda s: quote(s, safe="").lower(),
    "percent-twice": lambda s: quote(quote(s, safe=""), safe=""),
    "percent-all": lambda s: "".join(f"%{b:02X}" for b in s.encode()),
    "plus": quote_plus,
    "base64": lambda s: base64.b64encode(s.encode()).decode(),
    "base64url": lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("="),
    "hex": lambda s: s.encode().hex(),
    "hex-upper": lambda s: s.encode().hex().upper(),
    "json": lambda s: json.dumps(s)[1:-1],
    "json-all": lambda s: "".join(f"\\u{ord(c):04x}" for c in s),
    "html": html.escape,
    "html-decimal": lambda s: "".join(f"&#{ord(c)};" for c in s),
    "html-hex": lambda s: "".join(f"&#x{ord(c):x};" for c in s),
    "ansi-split": lambda s: s[: len(s) // 2] + "\x1b[0m" + s[len(s) // 2:],
}
ITEMS = ("auth", "token", "signature", "plaintext", "head")
WHERES = ("body", "params", "split", "location", "type", "403", "500")
FORGED = "\x1b[2J\x1b[H\r\nfake: applied create connection/evil | test: ok\r\n\x1b]0;owned\x07"
BOMB = 2 * 1024**3  # what the gzip bomb expands to


def _gzip_bomb() -> bytes:
    """gzip of 2 GiB of zeros in about 2 MB: one member of 1 MiB repeated (a valid multi-member stream)."""
    block = gzip.compress(b"\0" * (1024 * 1024), compresslevel=9)
    return block * (BOMB // (1024 * 1024))


class HostileServer:
    def __init__(self, tls_dir: Path) -> None:
        self._plain = socket.create_server(("127.0.0.1", 0))
        self._tls = socket.create_server(("127.0.0.1", 0))
        files = generate_tls_files(tls_dir)
        self.ca_file = str(files.ca_file)  # trusted by a connection whose caBundle names it
        self._context = files.server_context()
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.received: dict[str, str] = {}  # the mode of each request that arrived -> its Authorization header
        self._bomb = _gzip_bomb()

    # -- addresses ---------------------------------------------------------------------------
    def base_uri(self, mode: str) -> str:
        return f"http://127.0.0.1:{self._plain.getsockname()[1]}/{mode}/rest"

    def tls_base_uri(self, mode: str = "healthy") -> str:
        """The same modes over HTTPS, with a certificate only ``ca_file`` vouches for."""
        return f"https://127.0.0.1:{self._tls.getsockname()[1]}/{mode}/rest"

    @staticmethod
    def echo_modes() -> list[str]:
        return [f"echo/{w}/{i}/{e}" for w in WHERES for i in ITEMS for e in ENCODINGS]

    # -- serving -----------------------------------------------------------------------------
    def start(self) -> None:
        for listener, tls in ((self._plain, False), (self._tls, True)):
            threading.Thread(target=self._accept, args=(listener, tls), daemon=True).start()

    def stop(self) -> None:
        self._stopping.set()
        for listener in (self._plain, self._tls):
            listener.close()
        with self._lock:
            for conn in self._open:
                with suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()

    def _accept(self, listener: socket.socket, tls: bool) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn, tls), daemon=True).start()

    def _serve(self, conn: socket.socket, tls: bool) -> None:
        try:
            if tls:
                with self._context.wrap_socket(conn, server_side=True) as wrapped:
                    self._answer(wrapped, self._read_head(wrapped))
                return
            self._answer(conn, self._read_head(conn))
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            conn.close()

    @staticmethod
    def _read_head(conn: socket.socket) -> str:
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.split(b"\r\n\r\n", 1)[0].decode("latin-1")

    def _answer(self, conn: socket.socket, head: str) -> None:
        lines = head.split("\r\n")
        path = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 1 else "/"
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        auth = headers.get("authorization", "")
        mode = path.strip("/").split("/rest", 1)[0]
        with self._lock:
            self.received[mode] = auth
        handler = getattr(self, "_mode_" + mode.split("/", 1)[0].replace("-", "_"), None)
        if mode.startswith("echo/"):
            self._echo(conn, mode, head, auth)
        elif handler is not None:
            handler(conn)
        else:
            _send(conn, 404, {"Content-Type": "text/plain"}, b"no such mode")

    # -- modes -------------------------------------------------------------------------------
    def _mode_500(self, conn: socket.socket) -> None:
        _send(conn, 500, {"Content-Type": "text/html"}, b"<h1>Internal Server Error</h1>")

    def _mode_reset(self, conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST on close

    def _mode_silent(self, conn: socket.socket) -> None:
        self._stopping.wait(120)  # accept, read the request, never answer

    def _mode_drip_headers(self, conn: socket.socket) -> None:
        self._drip(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")

    def _mode_drip_body(self, conn: socket.socket) -> None:
        body = b'{"store": "' + b"x" * 200 + b'"}'
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     + f"Content-Length: {len(body)}\r\n\r\n".encode())
        self._drip(conn, body)

    def _drip(self, conn: socket.socket, data: bytes) -> None:
        for i in range(len(data)):
            if self._stopping.wait(0.5):
                return
            conn.sendall(data[i:i + 1])

    def _mode_redirect(self, conn: socket.socket) -> None:
        _send(conn, 302, {"Location": "https://elsewhere.invalid/rest/V1/store/storeConfigs"}, b"")

    def _mode_oversized(self, conn: socket.socket) -> None:
        chunk = b" " * 65536
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n[")
        for _ in range(16384):  # up to 1 GiB; the client stops reading long before
            conn.sendall(chunk)

    def _mode_truncated(self, conn: socket.socket) -> None:
        conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"a": [1, 2')

    def _mode_malformed(self, conn: socket.socket) -> None:
        _send(conn, 200, {"Content-Type": "application/json"}, b'{"a": 1,, }')

    def _mode_deep(self, conn: socket.socket) -> None:
        _send(conn, 401, {"Content-Type": "application/json"}, b"[" * 100_000)

    def _mode_deep_ok(self, conn: socket.socket) -> None:
        _send(conn, 200, {"Content-Type": "application/json"}, b"[" * 5_000 + b"]" * 5_000)

    def _mode_not_utf8(self, conn: socket.socket) -> None:
        _send(conn, 401, {"Content-Type": "application/json"}, b'{"message": "caf\xe9 \xff\xfe"}')

    def _mode_gzip_bomb(self, conn: socket.socket) -> None:
        _send(conn, 200, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, self._bomb)

    def _mode_gzip_bomb_401(self, conn: socket.socket) -> None:
        _send(conn, 401, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, self._bomb)

    def _mode_forged(self, conn: socket.socket) -> None:
        body = json.dumps({"message": FORGED, "parameters": {"resources": FORGED}}).encode()
        _send(conn, 401, {"Content-Type": "application/json"}, body)

    def _mode_healthy(self, conn: socket.socket) -> None:
        _send(conn, 200, {"Content-Type": "application/json"}, b'[{"id": 1}]')

    # -- echo --------------------------------------------------------------------------------
    def _echo(self, conn: socket.socket, mode: str, head: str, auth: str) -> None:
        _, where, item, encoding = mode.split("/")
        value = ENCODINGS[encoding](_item(item, head, auth))
        json_type = {"Content-Type": "application/json", "WWW-Authenticate": f'OAuth realm="{value}"'}
        if where == "body":
            _send(conn, 401, json_type, json.dumps({"message": "x" * 469 + value}).encode())
        elif where == "params":
            message = {"message": "The consumer isn't authorized to access %resources.",
                       "parameters": {"resources": value}}
            _send(conn, 401, json_type, json.dumps(message).encode())
        elif where == "split":
            half = len(value) // 2
            message = {"message": "y" * 400 + value[:half] + "%1", "parameters": [value[half:]]}
            _send(conn, 401, json_type, json.dumps(message).encode())
        elif where == "location":
            _send(conn, 302, {"Location": f"https://elsewhere.invalid/?echo={value}", "X-Echo": value}, b"")
        elif where == "type":
            _send(conn, 200, {"Content-Type": f"text/{value}"}, b"<html></html>")
        else:
            _send(conn, int(where), json_type, json.dumps({"message": value}).encode())


def _item(item: str, head: str, auth: str) -> str:
    params = dict(part.strip().split("=", 1) for part in auth.removeprefix("OAuth ").split(",") if "=" in part)
    signature = unquote(params.get("oauth_signature", '""').strip('"'))
    if item == "auth":
        return auth
    if item == "token":
        return unquote(params.get("oauth_token", '""').strip('"')) or auth.removeprefix("Bearer ")
    if item == "signature":
        return signature
    if item == "plaintext":
        return unquote(signature)
    return head


def _send(conn: socket.socket, status: int, headers: dict[str, str], body: bytes) -> None:
    lines = [f"HTTP/1.1 {status} Hostile", f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{k}: {' '.join(v.splitlines())}" for k, v in headers.items()]  # one line each
    conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape") + body)


@contextmanager
def running_hostile(tls_dir: Path) -> Iterator[HostileServer]:
    server = HostileServer(tls_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return int(sock.getsockname()[1])


# -- the leak scanner ----------------------------------------------------------------------------
WINDOW = 10  # any run of this many characters of a secret, in any encoding, counts as a leak


def secret_forms(secret: str) -> set[str]:
    """``secret`` in every encoding the echo server uses, plus base64 at the three byte alignments."""
    forms = {encode(secret) for name, encode in ENCODINGS.items() if name not in ("ansi-split", "base64", "base64url")}
    for pad in (0, 1, 2):  # the characters that depend on the secret alone, wherever it sits in the encoded text
        core = base64.b64encode(b"\0" * pad + secret.encode()).decode()[4 if pad else 0:-4]
        forms |= {core, core.replace("+", "-").replace("/", "_")}
    return {f for f in forms if len(f) >= 4}


class LeakScanner:
    """Finds any WINDOW characters of any secret, in any encoding, case-insensitively, in a text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self._forms: dict[str, str] = {}
        for secret in secrets:
            size = min(WINDOW, len(secret))
            for i in range(len(secret) - size + 1):
                for form in secret_forms(secret[i:i + size]):
                    self._forms.setdefault(form.lower(), f"{secret[:6]}… as {form!r}")

    def find(self, text: str) -> list[str]:
        folded = text.lower()
        return sorted({name for form, name in self._forms.items() if form in folded})


def leaks(text: str, secrets: Iterable[str]) -> list[str]:
    """Which secrets (named by their first 6 characters) appear in ``text``, whole or in part."""
    return LeakScanner(secrets).find(text)


def wait_until(predicate: Callable[[], bool], seconds: float = 10) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
