"""An interruption renders through the chosen view too: SIGTERM during ``test -f json`` is one JSON error document.

A real process (signals are the point). The connection points at a loopback socket that accepts and never
answers, so once the server has accepted, the CLI is known to be waiting on the test. The test in flight
ends by its own timeout (5 s: the signal is handled long before), then the CLI exits 128+SIGTERM.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys

from tests.support.cli import cli_env
from tests.support.magento import Creds
from tests.support.project import Project


def test_sigterm_during_a_json_run_is_one_error_document(tmp_path):
    project = Project.create(tmp_path)
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(120)
        project.write_connection("silent", f"http://127.0.0.1:{server.getsockname()[1]}/rest",
                                 Creds.fresh("CANARY"), timeout_seconds=5)
        process = subprocess.Popen([sys.executable, "-m", "provisioner", "test", "-f", "json"], cwd=project.root,
                                   env=cli_env(project.env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        try:
            accepted, _ = server.accept()  # the test is in flight
            with accepted:
                process.send_signal(signal.SIGTERM)
                out, err = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode == 128 + signal.SIGTERM, err
    assert out.count('"format_version"') == 1
    document = json.loads(out)
    assert document["format_version"] == 1
    assert document["error"]["code"] == "interrupted"
    assert "SIGTERM" in document["error"]["message"]
    project.assert_no_secret(out, err)
