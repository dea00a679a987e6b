"""A small JSON client for the GitHub and GitLab REST APIs: bearer or private token, Link-header pagination."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import requests

USER_AGENT = "connection-provisioner-ci"
MAX_PAGES = 50  # 5,000 comments at 100 a page: beyond that something is wrong, stop rather than loop


class ApiError(Exception):
    """An API call failed: the method, the path and the status (never the token, never a body sent)."""


class JsonApi:
    def __init__(self, base_url: str, headers: Mapping[str, str], *, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json", **headers})
        self.timeout = timeout

    def request(self, method: str, path: str, *, params: Mapping[str, str] | None = None,
                body: Mapping[str, Any] | None = None) -> Any:
        return self._send(method, self.base_url + path, params=params, body=body).json()

    def paginate(self, path: str, params: Mapping[str, str] | None = None) -> Iterator[Any]:
        """Every item of a list endpoint, following ``Link: <…>; rel="next"`` (GitHub and GitLab both send it)."""
        url: str | None = self.base_url + path
        query: Mapping[str, str] | None = {"per_page": "100", **(params or {})}
        for _ in range(MAX_PAGES):
            if url is None:
                return
            response = self._send("GET", url, params=query)
            items = response.json()
            if not isinstance(items, list):
                raise ApiError(f"GET {path}: expected a list")
            yield from items
            url, query = response.links.get("next", {}).get("url"), None  # the next URL carries the query
        raise ApiError(f"GET {path}: more than {MAX_PAGES} pages")

    def _send(self, method: str, url: str, *, params: Mapping[str, str] | None = None,
              body: Mapping[str, Any] | None = None) -> requests.Response:
        shown = url.removeprefix(self.base_url).split("?", 1)[0]
        try:
            response = self.session.request(method, url, params=params, json=body, timeout=self.timeout)
        except requests.RequestException as exc:
            raise ApiError(f"{method} {shown}: {type(exc).__name__}") from None
        if response.status_code >= 400:
            raise ApiError(f"{method} {shown}: HTTP {response.status_code}")
        return response
