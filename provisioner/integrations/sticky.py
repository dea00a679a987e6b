"""One comment per pull request (or merge request), found again by a hidden HTML marker."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_KEY = re.compile(r"[^A-Za-z0-9._/-]+")


def project_key(directory: str, workspace: str) -> str:
    """One comment per project directory and workspace: two projects in one repository get two."""
    where = posixpath.normpath(directory.replace("\\", "/") or ".")
    return workspace if where == "." else f"{where}:{workspace}"


def marker(kind: str, key: str) -> str:
    """``<!-- provisioner-plan:KEY -->``: invisible in rendered markdown, unique per project and workspace."""
    return f"<!-- provisioner-{kind}:{_KEY.sub('-', key) or 'default'} -->"


def with_marker(kind: str, key: str, body: str) -> str:
    return f"{marker(kind, key)}\n{body}"


def find_marked(items: Iterable[Mapping[str, Any]], kind: str, key: str) -> Mapping[str, Any] | None:
    """The first comment, note or issue whose body starts with the marker (a quote of it does not count)."""
    wanted = marker(kind, key)
    for item in items:
        body = item.get("body") or item.get("description") or ""
        if isinstance(body, str) and body.startswith(wanted):
            return item
    return None


def fit(markdown: str, limit: int, note: str) -> str:
    """``markdown`` cut at a line boundary so that it, closed fences and ``note`` stay within ``limit`` characters."""
    if len(markdown) <= limit:
        return markdown
    room = limit - len(note) - 40  # what closing a fence and a <details> can add
    cut = markdown[:max(room, 0)]
    cut = cut[:cut.rfind("\n") + 1] if "\n" in cut else ""
    if cut.count("```") % 2:
        cut += "```\n"
    if cut.count("<details>") > cut.count("</details>"):
        cut += "</details>\n"
    return cut + "\n" + note + "\n"


def body(kind: str, key: str, markdown: str, *, limit: int, truncated: str, footer: Sequence[str] = ()) -> str:
    """The marked comment (or note) body: ``markdown`` fitted so that the marker, the text and a ``<sub>``
    footer of the non-empty ``footer`` parts stay within ``limit`` characters; ``truncated`` says where the rest is."""
    parts = [part for part in footer if part]
    tail = f"\n<sub>{' · '.join(parts)}</sub>\n" if parts else ""
    room = limit - len(with_marker(kind, key, "")) - len(tail) - 1
    return with_marker(kind, key, fit(markdown, room, truncated).rstrip("\n") + "\n" + tail)
