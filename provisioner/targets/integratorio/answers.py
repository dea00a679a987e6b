"""integrator.io's answers read as hostile input: a capped body, JSON parsed safely, shapes checked, links
and ``Retry-After`` bounded. Whatever is wrong with one answer is a ``TargetError`` (code ``bad-answer``) for
that one item, never a traceback, and never a reason to send the API token anywhere but the origin.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from provisioner.targets.base import TargetError

MAX_BODY = 16 * 1024 * 1024  # bytes read of one answer (decoded): a page of 1,000 connections is far less
MAX_RETRY_AFTER_S = 60.0
SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")  # an _id goes into a path: never "/", "?", ".." or "%"
BAD = "bad-answer"


def bad_answer(what: str, why: str) -> TargetError:
    return TargetError(f"integrator.io {what}: {why}", code=BAD,
                       hint="integrator.io (or whatever answers at target.url) sent an answer the API does not "
                            "give; check target.url, then try again")


def read_capped(answer: requests.Response, what: str, cap: int = MAX_BODY) -> None:
    """Read ``answer``'s body (streamed) into it, refusing one longer than ``cap`` bytes once decoded."""
    declared = answer.headers.get("Content-Length", "").strip()
    too_big = bad_answer(what, f"the answer is larger than {cap // (1024 * 1024)} MiB; not read")
    if declared.isdigit() and int(declared) > cap:
        raise too_big
    data = bytearray()
    try:
        for chunk in answer.iter_content(chunk_size=65536):
            data += chunk
            if len(data) > cap:
                raise too_big
    except requests.exceptions.ContentDecodingError:
        raise bad_answer(what, "the answer's Content-Encoding does not decode") from None
    answer._content = bytes(data)  # as requests keeps a read body: .json(), .text work on it


def parsed(answer: requests.Response, what: str) -> Any:
    """The body as JSON; not JSON, or nested too deeply for the parser, is a ``bad-answer``."""
    try:
        return json.loads(answer.content or b"")
    except RecursionError:
        raise bad_answer(what, "the answer's JSON is nested too deeply") from None
    except ValueError:  # includes UnicodeDecodeError and an integer too long to convert
        raise bad_answer(what, f"the answer (HTTP {answer.status_code}) is not JSON") from None


def document(answer: requests.Response, what: str) -> dict[str, Any]:
    body = parsed(answer, what)
    if not isinstance(body, dict):
        raise bad_answer(what, f"expected a JSON object, got {type(body).__name__}")
    return body


def listing(answer: requests.Response, what: str) -> list[Any]:
    body = parsed(answer, what)
    if not isinstance(body, list):
        raise bad_answer(what, f"expected a JSON list, got {type(body).__name__}")
    return body


def remote_id(value: Any, what: str) -> str:
    """An ``_id`` (24 hex characters, opaque: contract section 2) safe to put into a path."""
    if not isinstance(value, str) or not SAFE_ID.fullmatch(value):
        shown = "missing" if value is None else f"not an id ({type(value).__name__})"
        raise bad_answer(what, f"the connection's _id is {shown}")
    return value


def text_or_none(doc: Mapping[str, Any], key: str, what: str) -> str | None:
    """A server-set text field (``lastModified``): a string or absent, nothing else."""
    value = doc.get(key)
    if value is not None and not isinstance(value, str):
        raise bad_answer(what, f"the connection's {key} is not text ({type(value).__name__})")
    return value


OBJECTS = (("http",), ("http", "auth"), ("http", "auth", "oauth"), ("http", "auth", "oauth", "oauth1"),
           ("http", "auth", "token"), ("http", "ping"))


def shape_checked(doc: Mapping[str, Any], what: str) -> Mapping[str, Any]:
    """A connection whose nested blocks (``http``, ``http.auth``, ...) are objects where present."""
    for path in OBJECTS:
        node: Any = doc
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if node is not None and not isinstance(node, Mapping):
            raise bad_answer(what, f"the connection's {'.'.join(path)} is not an object ({type(node).__name__})")
    return doc


def retry_after(value: str | None, now: float) -> float:
    """Seconds to wait for a 429: whole seconds or an HTTP-date (RFC 9110 10.2.3), within 0..60; else 1."""
    text = (value or "").strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return 1.0
        seconds = when.replace(tzinfo=when.tzinfo or UTC).timestamp() - now
    if math.isnan(seconds):
        return 1.0
    return min(MAX_RETRY_AFTER_S, max(0.0, seconds))


def same_origin(url: str, origin: str) -> bool:
    a, b = urlsplit(url), urlsplit(origin)
    ports = {"http": 80, "https": 443}
    try:
        return (a.scheme, a.hostname, a.port or ports.get(a.scheme)) == (b.scheme, b.hostname,
                                                                         b.port or ports.get(b.scheme))
    except ValueError:  # a port that is not a number
        return False


def next_link(answer: requests.Response, current: str, origin: str, what: str) -> str | None:
    """The ``rel="next"`` URL (relative ones resolved against the page), only on ``origin``; a malformed
    Link without a usable next is the end of the list."""
    url = (answer.links.get("next") or {}).get("url", "").strip()
    if not url:
        return None
    try:
        url = urljoin(current if current.startswith("http") else origin + current, url)
    except ValueError:  # "Invalid IPv6 URL"
        raise bad_answer(what, "the next page's link is not a URL") from None
    if not same_origin(url, origin):
        raise bad_answer(what, "the next page's link points to another origin; not followed (the API token "
                               "goes to target.url only)")
    return url
