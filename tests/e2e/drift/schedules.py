"""Stand-ins for the two issue trackers the schedules in docs/drift.md talk to (neither can run here).

``fake_gh``: a ``gh`` on PATH that keeps issues in a JSON file and answers the four calls the GitHub recipe
makes (``issue list/create/edit/close``). ``gitlab_issues``: GitLab's project issues REST API on loopback
(list with ``state``/``search``/``in=title``, create, update, close), spoken to by the real curl and jq.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

GH = r'''
import json, re, sys
from pathlib import Path

store = Path(__file__).with_name("issues.json")
issues = json.loads(store.read_text()) if store.exists() else []
args = sys.argv[1:]
with open(Path(__file__).with_name("calls"), "a") as log:
    log.write(" ".join(args[:2]) + "\n")

def opt(name):
    return args[args.index(name) + 1]

verb = args[:2]
if verb == ["issue", "list"]:
    title = re.search(r'in:title "(.*)"', opt("--search")).group(1)
    found = [i for i in issues if i["state"] == "open" and title in i["title"]]
    if found:
        print(found[0]["number"])
elif verb == ["issue", "create"]:
    issues.append({"number": len(issues) + 1, "title": opt("--title"), "state": "open",
                   "body": Path(opt("--body-file")).read_text()})
elif verb == ["issue", "edit"]:
    issues[int(args[2]) - 1]["body"] = Path(opt("--body-file")).read_text()
elif verb == ["issue", "close"]:
    issues[int(args[2]) - 1]["state"] = "closed"
else:
    sys.exit(f"fake gh: unexpected call {args}")
store.write_text(json.dumps(issues))
'''


def fake_gh(directory: Path) -> Path:
    """A directory holding ``gh``; its issues are in ``issues.json`` beside it."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "gh"
    script.write_text(f"#!{sys.executable}\n{GH}", encoding="utf-8")
    script.chmod(0o755)
    return directory


def gh_issues(directory: Path) -> list[dict[str, object]]:
    store = directory / "issues.json"
    return json.loads(store.read_text(encoding="utf-8")) if store.exists() else []


@dataclass
class GitLab:
    api: str  # CI_API_V4_URL
    project_id: str
    token: str
    issues: list[dict[str, object]] = field(default_factory=list)


@contextmanager
def gitlab_issues(token: str, project_id: str = "42") -> Iterator[GitLab]:
    issues: list[dict[str, object]] = []
    prefix = f"/api/v4/projects/{project_id}/issues"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _reply(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode(), keep_blank_values=True).items()}

        def _handle(self) -> None:
            url = urlsplit(self.path)
            if self.headers.get("PRIVATE-TOKEN") != token:
                return self._reply(401, {"message": "401 Unauthorized"})
            if not url.path.startswith(prefix):
                return self._reply(404, {"message": "404 Project Not Found"})
            rest = url.path[len(prefix):].strip("/")
            if self.command == "GET" and not rest:
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                state = query.get("state")  # opened, closed, or all
                if query.get("in") != "title":
                    return self._reply(400, {"message": "expected in=title"})
                found = [i for i in issues if (state is None or i["state"] == state)
                         and query.get("search", "") in str(i["title"])]
                return self._reply(200, found)
            if self.command == "POST" and not rest:
                form = self._form()
                issue = {"iid": len(issues) + 1, "title": form["title"], "description": form["description"],
                         "state": "opened"}
                issues.append(issue)
                return self._reply(201, issue)
            if self.command == "PUT" and rest.isdigit() and 0 < int(rest) <= len(issues):
                issue = issues[int(rest) - 1]
                form = self._form()
                if form.get("state_event") == "close":
                    issue["state"] = "closed"
                if "description" in form:
                    issue["description"] = form["description"]
                return self._reply(200, issue)
            return self._reply(400, {"message": "unexpected request"})

        do_GET = do_POST = do_PUT = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield GitLab(f"http://127.0.0.1:{server.server_address[1]}/api/v4", project_id, token, issues)
    finally:
        server.shutdown()
        server.server_close()
