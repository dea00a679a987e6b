"""The hostile endpoint of the leak scan: tests/support/hostile.py's server, echoing in a rotating encoding.

A connection whose base URI is ``base_uri_for(where, offset)`` (``/leak/WHERE/OFFSET/rest``) gets, on its
n-th request, the echo of ``HostileServer`` placed WHERE (``body``, ``params``, ``split``, ``location``,
``type``, ``403``, ``500``) of the item and encoding number ``OFFSET + n`` of ``COMBOS`` (every item of
the request — Authorization header, token, signature, PLAINTEXT signature decoded, whole request head —
times every encoding of ``hostile.ENCODINGS``). So each command that sends a request meets another
encoding, and ``served`` tells which combinations were echoed (the suite checks it saw them all).
Every Authorization header that arrives is kept (``authorizations``): its signature is a canary too.
"""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote

from tests.support.hostile import ENCODINGS, ITEMS, WHERES, HostileServer

# Item k % 5 in encoding k % 18: every pair once in 90 (5 and 18 are coprime), any 18 in a row hold every
# encoding and any 5 in a row every item.
COMBOS: tuple[tuple[str, str], ...] = tuple(
    (ITEMS[k % len(ITEMS)], list(ENCODINGS)[k % len(ENCODINGS)]) for k in range(len(ITEMS) * len(ENCODINGS)))


class LeakEndpoint(HostileServer):
    def __init__(self, tls_dir: Path) -> None:
        super().__init__(tls_dir)
        self._count: Counter[str] = Counter()
        self._served_lock = threading.Lock()
        self.served: list[tuple[str, str, str]] = []  # (where, item, encoding) of each echo sent
        self.authorizations: list[str] = []

    def base_uri_for(self, where: str, offset: int) -> str:
        assert where in WHERES, where
        return self.tls_base_uri(f"leak/{where}/{offset}")

    def _answer(self, conn: socket.socket, head: str) -> None:
        lines = head.split("\r\n")
        parts = lines[0].split(" ")
        path = parts[1] if len(parts) > 1 else "/"
        mode = path.strip("/").split("/rest", 1)[0]
        if not mode.startswith("leak/"):
            super()._answer(conn, head)
            return
        auth = next((line.partition(":")[2].strip() for line in lines[1:]
                     if line.lower().startswith("authorization:")), "")
        _, where, offset = mode.split("/")
        with self._served_lock:
            n = self._count[mode]
            self._count[mode] += 1
            item, encoding = COMBOS[(int(offset) + n) % len(COMBOS)]
            self.served.append((where, item, encoding))
            self.authorizations.append(auth)
        self._echo(conn, f"echo/{where}/{item}/{encoding}", head, auth)

    def sent_signatures(self) -> list[str]:
        """The oauth_signature of every request that arrived (percent-decoded once: the signature itself)."""
        with self._served_lock:
            headers = list(self.authorizations)
        return [unquote(a.split('oauth_signature="', 1)[1].split('"', 1)[0]) for a in headers
                if 'oauth_signature="' in a]


@contextmanager
def running_leak_endpoint(tls_dir: Path) -> Iterator[LeakEndpoint]:
    server = LeakEndpoint(tls_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
