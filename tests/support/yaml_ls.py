"""yaml-language-server driven over stdio (LSP): what an editor would report on a file, and what it would complete.

``yaml_language_server()`` finds the server (``$YAML_LANGUAGE_SERVER`` or ``yaml-language-server`` on
PATH, installed with ``npm install -g yaml-language-server``); the ``yaml_ls`` fixture skips when it
is absent. The file's own modeline (``# yaml-language-server: $schema=...``) picks the schema, as in an
editor; nothing else is configured.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

_TIMEOUT = 60.0


def yaml_language_server() -> str | None:
    return os.environ.get("YAML_LANGUAGE_SERVER") or shutil.which("yaml-language-server")


class YamlLanguageServer:
    """One server process; ``diagnostics(path)`` and ``completion(path, line, character)`` open the file."""

    def __init__(self, binary: str) -> None:
        self._proc = subprocess.Popen(
            [binary, "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self._next_id = 0
        self._diagnostics: dict[str, list[dict[str, Any]]] = {}
        self._inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        assert self._proc.stdout is not None
        threading.Thread(target=self._read, args=(self._proc.stdout,), daemon=True).start()
        self._request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": {
            "textDocument": {"completion": {"completionItem": {"snippetSupport": True}}},
            "workspace": {"configuration": True},
        }})
        self._notify("initialized", {})
        self._notify("workspace/didChangeConfiguration", {"settings": self._settings()})

    @staticmethod
    def _settings() -> dict[str, Any]:
        return {"yaml": {"validate": True, "completion": True, "hover": False, "schemaStore": {"enable": False}}}

    def _read(self, stream: IO[bytes]) -> None:
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self._inbox.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self._proc.stdin is not None
        self._proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self._proc.stdin.flush()

    def _notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def _request(self, method: str, params: dict[str, Any]) -> Any:
        self._next_id += 1
        wanted = self._next_id
        self._send({"id": wanted, "method": method, "params": params})
        while True:
            message = self._receive()
            if message.get("id") == wanted and "method" not in message:
                return message.get("result")

    def _receive(self, timeout: float = _TIMEOUT) -> dict[str, Any]:
        message = self._inbox.get(timeout=timeout)
        if "method" in message and "id" in message:  # a request from the server: answer it
            result: Any = None
            if message["method"] == "workspace/configuration":
                result = [self._settings()["yaml"] for _ in message["params"]["items"]]
            self._send({"id": message["id"], "result": result})
        elif message.get("method") == "textDocument/publishDiagnostics":
            self._diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
        return message

    def _open(self, path: Path) -> str:
        uri = path.resolve().as_uri()
        self._next_id += 1
        self._diagnostics.pop(uri, None)
        self._notify("textDocument/didOpen", {"textDocument": {
            # a new version on every open: the server caches parsed documents by uri and version
            "uri": uri, "languageId": "yaml", "version": self._next_id, "text": path.read_text(encoding="utf-8"),
        }})
        return uri

    def _close(self, uri: str) -> None:
        """Close the file and take the server's clearing publish for it, so a later open sees only its own."""
        self._diagnostics.pop(uri, None)
        self._notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        deadline = time.monotonic() + 10
        while uri not in self._diagnostics and time.monotonic() < deadline:
            try:
                self._receive(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break

    def diagnostics(self, path: Path) -> list[dict[str, Any]]:
        """The diagnostics the server publishes for ``path`` once it has loaded the file's schema."""
        uri = self._open(path)
        while uri not in self._diagnostics:
            self._receive()
        # A completion round trip after the publish: the server has finished with the file by then.
        self._request("textDocument/completion",
                      {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
        found = self._diagnostics[uri]
        self._close(uri)
        return found

    def completion(self, path: Path, line: int, character: int) -> list[str]:
        """The labels the server offers at (``line``, ``character``), both 0-based."""
        uri = self._open(path)
        result = self._request("textDocument/completion", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character},
        })
        self._close(uri)
        items = result.get("items", []) if isinstance(result, dict) else (result or [])
        return sorted(str(item["label"]) for item in items)

    def close(self) -> None:
        try:
            self._request("shutdown", {})
            self._notify("exit", {})
            self._proc.wait(timeout=10)
        except (OSError, queue.Empty, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout):
            if stream is not None:
                stream.close()


@pytest.fixture(scope="module")
def yaml_ls() -> Iterator[YamlLanguageServer]:
    binary = yaml_language_server()
    if binary is None:
        pytest.skip("yaml-language-server is not installed (npm install -g yaml-language-server)")
    server = YamlLanguageServer(binary)
    try:
        yield server
    finally:
        server.close()
