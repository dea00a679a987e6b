"""The merge-request notes of GitLab's Notes API, https://docs.gitlab.com/api/notes/#merge-requests:
list ``GET /projects/:id/merge_requests/:merge_request_iid/notes`` (paginated: ``per_page``, ``page``, a
``Link`` header), create ``POST`` to the same path (``body``), modify ``PUT …/notes/:note_id`` (``body``).
Authentication by the ``PRIVATE-TOKEN`` header, https://docs.gitlab.com/api/rest/authentication/
(a project access token with the ``api`` scope: ``CI_JOB_TOKEN`` cannot write notes).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from provisioner.integrations.http import JsonApi


class GitLabApi:
    def __init__(self, api_url: str, project_id: str, token: str) -> None:
        self.project = f"/projects/{quote(project_id, safe='')}"
        self.http = JsonApi(api_url, {"PRIVATE-TOKEN": token})

    def notes(self, iid: int) -> list[dict[str, Any]]:
        path = f"{self.project}/merge_requests/{iid}/notes"
        items = self.http.paginate(path, {"sort": "asc", "order_by": "created_at"})
        return [n for n in items if not n.get("system")]  # system notes ("added 1 commit") are never ours

    def create_note(self, iid: int, body: str) -> dict[str, Any]:
        result: dict[str, Any] = self.http.request("POST", f"{self.project}/merge_requests/{iid}/notes",
                                                   body={"body": body})
        return result

    def update_note(self, iid: int, note_id: int, body: str) -> dict[str, Any]:
        result: dict[str, Any] = self.http.request("PUT", f"{self.project}/merge_requests/{iid}/notes/{note_id}",
                                                   body={"body": body})
        return result
