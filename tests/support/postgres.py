"""A real PostgreSQL 15 server for the tests: ``initdb`` + ``pg_ctl`` in a temp dir on a free port.

Registered as a pytest plugin from tests/conftest.py. Fixtures:

- ``postgres_server`` (session): the running server (``.url(db)``, ``.create_database()``, ``.dump(db)``).
- ``postgres_url`` (function): the URL of a fresh, empty database on it.

The server binaries come from Debian's postgresql-15 (``/usr/lib/postgresql/15/bin``, or
``PROVISIONER_PG_BIN``). Missing binaries skip the tests, unless ``PROVISIONER_REQUIRE_POSTGRES=1``
(CI), where they fail. initdb and postgres refuse to run as root, so as root they run as the
``postgres`` user through ``runuser``.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

PG_BIN = Path(os.environ.get("PROVISIONER_PG_BIN", "/usr/lib/postgresql/15/bin"))
REQUIRE_ENV = "PROVISIONER_REQUIRE_POSTGRES"
_SERVER_OPTIONS = "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def missing_reason() -> str | None:
    for tool in ("initdb", "pg_ctl", "postgres", "pg_dump"):
        if not (PG_BIN / tool).is_file():
            return f"PostgreSQL 15 server binaries not found in {PG_BIN} ({tool}); install postgresql-15"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing"
    return None


class PostgresServer:
    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.port = port
        self._names = itertools.count(1)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        name = f"state_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def dump(self, url: str) -> bytes:
        """``pg_dump`` of the database at ``url`` (plain SQL, data included)."""
        done = subprocess.run([str(PG_BIN / "pg_dump"), "--dbname", url], capture_output=True, check=True, timeout=60)
        return done.stdout

    def stop(self) -> None:
        subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate",
                                        "-w", "stop"]), capture_output=True, check=False, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_as_server_user(cmd), capture_output=True, text=True, check=False, timeout=120)


def start_server() -> PostgresServer:
    root = Path(tempfile.mkdtemp(prefix="provisioner-pg-"))
    (root / "sock").mkdir()
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        for path in (root, root / "sock"):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    init = _run([str(PG_BIN / "initdb"), "-D", str(root / "data"), "-U", "postgres", "--auth=trust",
                 "--encoding=UTF8", "--no-sync"])
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {init.stderr.strip()}")
    for _attempt in range(3):
        port = _free_port()
        options = f"-p {port} -k {root / 'sock'} {_SERVER_OPTIONS}"
        started = _run([str(PG_BIN / "pg_ctl"), "-D", str(root / "data"), "-l", str(root / "server.log"),
                        "-o", options, "-w", "-t", "60", "start"])
        if started.returncode == 0:
            return PostgresServer(root, port)
    log = (root / "server.log").read_text(errors="replace")[-2000:] if (root / "server.log").exists() else ""
    shutil.rmtree(root, ignore_errors=True)
    raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()}\n{log}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    reason = missing_reason()
    if reason is not None:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {reason}")
        pytest.skip(reason)
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the session's server."""
    return postgres_server.create_database()
