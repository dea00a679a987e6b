"""A loopback stand-in for the part of the GitHub REST API that the action uses, following the documented contract.

- Issue comments (a pull request is an issue): https://docs.github.com/rest/issues/comments —
  ``GET /repos/{owner}/{repo}/issues/{issue_number}/comments`` (paginated, ascending id),
  ``POST /repos/{owner}/{repo}/issues/{issue_number}/comments`` (201),
  ``PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}``.
- Issues: https://docs.github.com/rest/issues/issues — ``GET /repos/{owner}/{repo}/issues`` (``state``
  default ``open``, ``labels`` comma-separated, all must match; pull requests listed too, with a
  ``pull_request`` key), ``POST /repos/{owner}/{repo}/issues`` (201),
  ``PATCH /repos/{owner}/{repo}/issues/{issue_number}`` (``title``, ``body``, ``state``, ``state_reason``).
- Search: https://docs.github.com/rest/search/search#search-issues-and-pull-requests — ``GET /search/issues``
  with ``repo:``, ``is:issue|pr``, ``is:open|closed``, ``label:`` qualifiers and free words matched in the body.
- Pagination: https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api —
  ``per_page`` (default 30, max 100), ``page`` (from 1), a ``Link`` header with ``rel="next"`` / ``rel="last"``.
- A comment's or an issue's body holds at most 65,536 characters (422 "Body is too long").
- Authentication: https://docs.github.com/rest/authentication/authenticating-to-the-rest-api —
  ``Authorization: Bearer TOKEN`` (or ``token TOKEN``); anything else is 401 ``Bad credentials``.

``RestStandIn`` (the HTTP plumbing) is shared with tests/support/gitlab_api.py.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


Route = Callable[[re.Match[str], dict[str, str], Any], tuple[int, Any, dict[str, str]]]


@dataclass
class RestStandIn:
    """Routes (method, path regex) to handlers; records every call; JSON in and out; runs on 127.0.0.1:0."""

    routes: list[tuple[str, re.Pattern[str], Route]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    base_url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def route(self, method: str, pattern: str, handler: Route) -> None:
        self.routes.append((method, re.compile(pattern + r"\Z"), handler))

    def authorized(self, headers: dict[str, str]) -> bool:  # overridden
        return True

    def handle(self, method: str, raw_path: str, headers: dict[str, str], raw_body: bytes,
               ) -> tuple[int, Any, dict[str, str]]:
        parts = urlsplit(raw_path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            body = json.loads(raw_body) if raw_body else None
        except json.JSONDecodeError:
            return 400, {"message": "Problems parsing JSON"}, {}
        with self.lock:
            self.calls.append(Call(method, parts.path, query, body, headers))
            if not self.authorized(headers):
                return 401, {"message": "Bad credentials"}, {}
            for verb, pattern, handler in self.routes:
                match = pattern.match(parts.path)
                if verb == method and match:
                    try:
                        return handler(match, query, body)
                    except HttpError as exc:
                        return exc.status, {"message": str(exc)}, {}
            return 404, {"message": "Not Found"}, {}

    def page(self, path: str, query: dict[str, str], items: list[Any], *, default: int = 30,
             ) -> tuple[int, Any, dict[str, str]]:
        """One page of ``items`` and the ``Link`` header (next and last), as GitHub and GitLab both send it."""
        per_page = max(1, min(int(query.get("per_page", default)), 100))
        number = max(1, int(query.get("page", 1)))
        last = max(1, -(-len(items) // per_page))
        links = []
        for rel, target in (("next", number + 1), ("last", last)):
            if rel == "last" or target <= last:
                links.append(f'<{self.base_url}{path}?{urlencode({**query, "page": target})}>; rel="{rel}"')
        return 200, items[(number - 1) * per_page: number * per_page], {"Link": ", ".join(links)}

    @contextmanager
    def running(self) -> Iterator[str]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, payload, extra = standin.handle(self.command, self.path, headers, self.rfile.read(length))
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self.base_url
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


MAX_BODY = 65536


def body_of(body: Any) -> str:
    if not isinstance(body, dict) or not isinstance(body.get("body"), str):
        raise HttpError(422, "Validation Failed")
    if len(body["body"]) > MAX_BODY:
        raise HttpError(422, f"Body is too long (maximum is {MAX_BODY} characters)")
    return str(body["body"])


class GitHubApi(RestStandIn):
    """One repository's issues, pull requests and comments, in memory."""

    def __init__(self, repository: str, token: str) -> None:
        super().__init__()
        self.repository, self.token = repository, token
        self.issues: dict[int, dict[str, Any]] = {}
        self.comments: list[dict[str, Any]] = []
        self._ids = iter(range(1001, 10**9))
        repo = re.escape(f"/repos/{repository}")
        self.route("GET", repo + r"/issues/(\d+)/comments", self._list_comments)
        self.route("POST", repo + r"/issues/(\d+)/comments", self._create_comment)
        self.route("PATCH", repo + r"/issues/comments/(\d+)", self._update_comment)
        self.route("GET", repo + r"/issues", self._list_issues)
        self.route("POST", repo + r"/issues", self._create_issue)
        self.route("PATCH", repo + r"/issues/(\d+)", self._update_issue)
        self.route("GET", r"/search/issues", self._search)

    def authorized(self, headers: dict[str, str]) -> bool:
        return headers.get("authorization") in (f"Bearer {self.token}", f"token {self.token}")

    # --- test set-up and inspection -----------------------------------------------------------

    def add_pull_request(self, number: int, title: str = "A change") -> None:
        self.issues[number] = self._issue(number, title, "", [], pull_request=True)

    def add_comment(self, number: int, body: str, user: str = "someone") -> dict[str, Any]:
        comment = {"id": next(self._ids), "issue_number": number, "body": body, "user": {"login": user},
                   "html_url": f"https://github.com/{self.repository}/pull/{number}#issuecomment-x"}
        self.comments.append(comment)
        return comment

    def comments_on(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.comments if c["issue_number"] == number]

    def writes(self) -> list[Call]:
        return [c for c in self.calls if c.method != "GET"]

    # --- the endpoints ------------------------------------------------------------------------

    def _issue(self, number: int, title: str, body: str, labels: list[str], *, pull_request: bool = False,
               ) -> dict[str, Any]:
        issue: dict[str, Any] = {"number": number, "title": title, "body": body, "state": "open", "state_reason": None,
                                 "labels": [{"name": n} for n in labels]}
        if pull_request:
            issue["pull_request"] = {"url": f"{self.base_url}/repos/{self.repository}/pulls/{number}"}
        return issue

    def _existing(self, number: str) -> dict[str, Any]:
        if int(number) not in self.issues:
            raise HttpError(404, "Not Found")
        return self.issues[int(number)]

    def _list_comments(self, match: re.Match[str], query: dict[str, str], body: Any) -> tuple[int, Any, dict[str, str]]:
        self._existing(match[1])
        return self.page(match[0], query, self.comments_on(int(match[1])))

    def _create_comment(self, match: re.Match[str], query: dict[str, str], body: Any,
                        ) -> tuple[int, Any, dict[str, str]]:
        self._existing(match[1])
        return 201, self.add_comment(int(match[1]), body_of(body), user="github-actions[bot]"), {}

    def _update_comment(self, match: re.Match[str], query: dict[str, str], body: Any,
                        ) -> tuple[int, Any, dict[str, str]]:
        found = [c for c in self.comments if c["id"] == int(match[1])]
        if not found:
            raise HttpError(404, "Not Found")
        found[0]["body"] = body_of(body)
        return 200, found[0], {}

    def _matching(self, state: str, labels: set[str]) -> list[dict[str, Any]]:
        return [i for n, i in sorted(self.issues.items(), reverse=True)  # newest first, as GitHub sorts by default
                if (state == "all" or i["state"] == state) and labels <= {label["name"] for label in i["labels"]}]

    def _list_issues(self, match: re.Match[str], query: dict[str, str], body: Any) -> tuple[int, Any, dict[str, str]]:
        labels = {x for x in query.get("labels", "").split(",") if x}
        return self.page(match[0], query, self._matching(query.get("state", "open"), labels))

    def _create_issue(self, match: re.Match[str], query: dict[str, str], body: Any) -> tuple[int, Any, dict[str, str]]:
        if not isinstance(body, dict) or not body.get("title"):
            raise HttpError(422, "Validation Failed")
        body_of({"body": body.get("body") or ""})
        number = max(self.issues, default=0) + 1
        self.issues[number] = self._issue(number, body["title"], body.get("body") or "", list(body.get("labels", ())))
        return 201, self.issues[number], {}

    def _update_issue(self, match: re.Match[str], query: dict[str, str], body: Any) -> tuple[int, Any, dict[str, str]]:
        issue = self._existing(match[1])
        if not isinstance(body, dict):
            raise HttpError(422, "Validation Failed")
        if body.get("state") not in (None, "open", "closed"):
            raise HttpError(422, "Validation Failed")
        if "body" in body:
            body_of(body)
        for key in ("title", "body", "state", "state_reason"):
            if key in body:
                issue[key] = body[key]
        return 200, issue, {}

    def _search(self, match: re.Match[str], query: dict[str, str], body: Any) -> tuple[int, Any, dict[str, str]]:
        words = query.get("q", "").split()
        quals = dict(w.split(":", 1) for w in words if ":" in w and not w.startswith('"'))
        if quals.get("repo") != self.repository:
            raise HttpError(422, "Validation Failed")
        found = self._matching("all", {quals["label"]} if "label" in quals else set())
        kind = [w.split(":", 1)[1] for w in words if w in ("is:issue", "is:pr")]
        state = [w.split(":", 1)[1] for w in words if w in ("is:open", "is:closed")]
        free = [w.strip('"') for w in words if ":" not in w]
        found = [i for i in found if (not kind or ("pull_request" in i) == (kind[0] == "pr"))
                 and (not state or i["state"] == state[0]) and all(w in i["body"] for w in free)]
        status, items, headers = self.page(match[0], query, found)
        return status, {"total_count": len(found), "incomplete_results": False, "items": items}, headers
