"""The few GitHub REST endpoints the action uses (API version 2022-11-28).

- issue comments (a pull request is an issue): https://docs.github.com/rest/issues/comments
  list ``GET /repos/{owner}/{repo}/issues/{issue_number}/comments``, create ``POST`` to the same path,
  update ``PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}``;
- issues: https://docs.github.com/rest/issues/issues — list ``GET /repos/{owner}/{repo}/issues``
  (``labels``, ``state``; pull requests are listed too, with a ``pull_request`` key), create ``POST``,
  update and close ``PATCH /repos/{owner}/{repo}/issues/{issue_number}`` (``state``, ``state_reason``);
- pagination by the ``Link`` header: https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api;
- the token as ``Authorization: Bearer``: https://docs.github.com/rest/authentication/authenticating-to-the-rest-api.
"""

from __future__ import annotations

from typing import Any

from provisioner.integrations.http import JsonApi


class GitHubApi:
    def __init__(self, api_url: str, repository: str, token: str) -> None:
        self.repo = f"/repos/{repository}"
        self.http = JsonApi(api_url, {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        })

    def comments(self, number: int) -> list[dict[str, Any]]:
        return list(self.http.paginate(f"{self.repo}/issues/{number}/comments"))

    def create_comment(self, number: int, body: str) -> dict[str, Any]:
        result: dict[str, Any] = self.http.request("POST", f"{self.repo}/issues/{number}/comments", body={"body": body})
        return result

    def update_comment(self, comment_id: int, body: str) -> dict[str, Any]:
        result: dict[str, Any] = self.http.request(
            "PATCH", f"{self.repo}/issues/comments/{comment_id}", body={"body": body})
        return result

    def open_issues(self, label: str) -> list[dict[str, Any]]:
        """Open issues with ``label`` (pull requests left out)."""
        items = self.http.paginate(f"{self.repo}/issues", {"state": "open", "labels": label})
        return [i for i in items if "pull_request" not in i]

    def create_issue(self, title: str, body: str, labels: list[str]) -> dict[str, Any]:
        result: dict[str, Any] = self.http.request(
            "POST", f"{self.repo}/issues", body={"title": title, "body": body, "labels": labels})
        return result

    def update_issue(self, number: int, **fields: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.http.request("PATCH", f"{self.repo}/issues/{number}", body=fields)
        return result
