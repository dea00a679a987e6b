"""A loopback stand-in for GitLab's merge-request notes, following the documented contract.

- Notes API, https://docs.gitlab.com/api/notes/#merge-requests:
  ``GET /projects/:id/merge_requests/:merge_request_iid/notes``
  (``sort`` asc|desc, ``order_by``; system notes are listed too, with ``"system": true``),
  ``POST …/notes`` (``body``, at most 1,000,000 characters; 201),
  ``PUT …/notes/:note_id`` (``body``, 200); a note of another merge request is 404.
- Pagination, https://docs.gitlab.com/api/rest/#pagination: ``per_page`` (default 20, max 100), ``page``,
  ``Link`` (``rel="next"``, ``rel="last"``) and ``X-Next-Page`` / ``X-Page`` / ``X-Total`` headers.
- Authentication, https://docs.gitlab.com/api/rest/authentication/: ``PRIVATE-TOKEN: TOKEN`` (or
  ``Authorization: Bearer TOKEN``); anything else is 401 ``{"message": "401 Unauthorized"}``.
"""

from __future__ import annotations

import re
from itertools import count
from typing import Any

from tests.support.github_api import HttpError, RestStandIn

MAX_BODY = 1_000_000


class GitLabApi(RestStandIn):
    def __init__(self, project_id: int, token: str) -> None:
        super().__init__()
        self.project_id, self.token = project_id, token
        self.merge_requests: set[int] = set()
        self.notes: list[dict[str, Any]] = []
        self._ids = count(5001)
        notes = rf"/api/v4/projects/{project_id}/merge_requests/(\d+)/notes"
        self.route("GET", notes, self._list)
        self.route("POST", notes, self._create)
        self.route("PUT", notes + r"/(\d+)", self._update)

    def authorized(self, headers: dict[str, str]) -> bool:
        return headers.get("private-token") == self.token or headers.get("authorization") == f"Bearer {self.token}"

    def add_merge_request(self, iid: int) -> None:
        self.merge_requests.add(iid)

    def add_note(self, iid: int, body: str, *, system: bool = False, author: str = "someone") -> dict[str, Any]:
        note = {"id": next(self._ids), "noteable_iid": iid, "noteable_type": "MergeRequest", "body": body,
                "system": system, "author": {"username": author}}
        self.notes.append(note)
        return note

    def notes_on(self, iid: int) -> list[dict[str, Any]]:
        return [n for n in self.notes if n["noteable_iid"] == iid]

    def _mr(self, iid: str) -> int:
        if int(iid) not in self.merge_requests:
            raise HttpError(404, "404 Not found")
        return int(iid)

    def _list(self, match: re.Match[str], query: dict[str, str], body: Any) -> tuple[int, Any, dict[str, str]]:
        notes = self.notes_on(self._mr(match[1]))
        if query.get("sort", "desc") == "desc":
            notes = notes[::-1]
        status, items, headers = self.page(match[0], query, notes, default=20)
        page, per_page = int(query.get("page", 1)), max(1, min(int(query.get("per_page", 20)), 100))
        headers.update({"X-Page": str(page), "X-Total": str(len(notes)),
                        "X-Next-Page": str(page + 1) if page * per_page < len(notes) else ""})
        return status, items, headers

    def _create(self, match: re.Match[str], query: dict[str, str], body: Any) -> tuple[int, Any, dict[str, str]]:
        iid = self._mr(match[1])
        if not isinstance(body, dict) or not isinstance(body.get("body"), str) or not body["body"]:
            raise HttpError(400, "400 Bad request - body is missing")
        if len(body["body"]) > MAX_BODY:
            raise HttpError(400, "Note is too long")
        return 201, self.add_note(iid, body["body"], author="project_42_bot"), {}

    def _update(self, match: re.Match[str], query: dict[str, str], body: Any) -> tuple[int, Any, dict[str, str]]:
        iid = self._mr(match[1])
        found = [n for n in self.notes_on(iid) if n["id"] == int(match[2])]
        if not found:
            raise HttpError(404, "404 Not found")
        if not isinstance(body, dict) or not isinstance(body.get("body"), str):
            raise HttpError(400, "400 Bad request - body is missing")
        if len(body["body"]) > MAX_BODY:
            raise HttpError(400, "Note is too long")
        found[0]["body"] = body["body"]
        return 200, found[0], {}
