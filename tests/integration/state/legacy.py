"""The state release 0.1 wrote (tests/fixtures/state-0.1), put where a test's ``state_url`` points."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg

from provisioner.secrets.keys import read_key_file
from provisioner.state.urls import sqlite_path

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "state-0.1"
ADDRESSES = ["agent.dc1", "connection.magento-legacy-rsa", "connection.magento-prod", "connection.magento-reporting",
             "connection.magento-warehouse"]


def fixture_key() -> bytes:
    return read_key_file(FIXTURE / "state.key")


def load_0_1_state(url: str) -> bytes:
    """Copy the 0.1 SQLite file to ``url``'s path, or load the 0.1 pg_dump into the (empty) database at ``url``.
    Returns the state key it was sealed with."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURE / "state.db", path)
    else:
        # psql's own meta-commands (pg_dump 15.14+ writes ``\restrict``) are not SQL: leave them out.
        text = (FIXTURE / "state-postgres.sql").read_text(encoding="utf-8")
        sql = "\n".join(line for line in text.splitlines() if not line.startswith("\\"))
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.encode("utf-8"))
    return fixture_key()
