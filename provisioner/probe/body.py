"""Read an answer's body: at most ``cap`` bytes after decoding, never past the deadline.

The body is read raw (``decode_content=False``) and decompressed here with a bound on the
output of every step, so a gzip bomb (a few KB that expand to GBs) costs at most ``cap``
bytes of memory. ``Body.complete`` is false when the body was longer than the cap, cut
short by the server, undecodable, or still arriving at the deadline.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Protocol

from provisioner.probe.deadline import Deadline

MAX_BODY = 256 * 1024
_CHUNK = 16 * 1024


class RawStream(Protocol):
    def read(self, amt: int | None = ..., decode_content: bool | None = ...) -> bytes: ...


@dataclass(frozen=True)
class Body:
    data: bytes
    complete: bool
    problem: str | None = None  # why it is not complete, for a message
    timed_out: bool = False


class _Decoder:
    """Undo gzip (every member of a multi-member stream) or deflate, ``room`` bytes at a time at most."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        self._zlib: zlib._Decompress | None = None

    def _new(self, first: bytes) -> zlib._Decompress:
        if self._encoding == "deflate":  # zlib-wrapped, or raw deflate as some servers send
            return zlib.decompressobj(zlib.MAX_WBITS if first[:1] == b"\x78" else -zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def decode(self, data: bytes, room: int) -> bytes:
        """Up to ``room`` decoded bytes (plus one, to tell the cap was passed)."""
        if self._encoding == "identity":
            return data[: room + 1]
        out = bytearray()
        while data and len(out) <= room:
            if self._zlib is None or (self._zlib.eof and self._encoding != "deflate"):
                self._zlib = self._new(data)
            elif self._zlib.eof:
                break  # data after the end of a deflate stream: ignored, as every client does
            out += self._zlib.decompress(data, room + 1 - len(out))
            data = self._zlib.unconsumed_tail or self._zlib.unused_data
        return bytes(out)

    def finished(self) -> bool:
        return self._encoding == "identity" or (self._zlib is not None and self._zlib.eof)


def content_encoding(header: str | None) -> str | None:
    """The one encoding to undo (``identity`` when none), or ``None`` when it is not one we decode."""
    codings = [c.strip().lower() for c in (header or "").split(",") if c.strip() and c.strip().lower() != "identity"]
    if not codings:
        return "identity"
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return codings[0]
    return None


def read_body(raw: RawStream, encoding_header: str | None, deadline: Deadline, cap: int = MAX_BODY) -> Body:
    encoding = content_encoding(encoding_header)
    if encoding is None:
        return Body(b"", False, "the body has a Content-Encoding this tool does not decode")
    decoder = _Decoder(encoding)
    body = bytearray()
    while True:
        if deadline.expired:
            return Body(bytes(body), False, "the body was still arriving at the deadline", timed_out=True)
        try:
            chunk = raw.read(_CHUNK, decode_content=False)
        except Exception:  # cut short, reset, or shut down by the deadline's watchdog
            if deadline.expired:
                return Body(bytes(body), False, "the body was still arriving at the deadline", timed_out=True)
            return Body(bytes(body), False, "the connection closed before the whole body arrived")
        if not chunk:
            break
        try:
            body += decoder.decode(chunk, cap - len(body))
        except zlib.error:
            return Body(b"", False, f"the body is not valid {encoding} data")
        if len(body) > cap:
            return Body(bytes(body[:cap]), False, f"the body is larger than {cap // 1024} KiB")
    if deadline.expired:
        return Body(bytes(body), False, "the body was still arriving at the deadline", timed_out=True)
    if not decoder.finished():
        return Body(bytes(body), False, f"the {encoding} body ended before its end marker")
    return Body(bytes(body), True)
