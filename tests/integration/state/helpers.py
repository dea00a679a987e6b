"""Helpers for the state conformance suite: record writes, canary secrets, raw SQL behind the store's back."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Sequence
from typing import Any

import psycopg

from provisioner.state.records import RecordWrite
from provisioner.state.urls import sqlite_path

TOKEN = "spec.auth.accessToken"
SECRET = "spec.auth.consumerSecret"


def canary() -> str:
    return f"canary-{secrets.token_hex(12)}"


def connection(name: str, *, secrets_: dict[str, str] | None = None, base: str = "https://shop.example.com/rest",
               applied_by: str = "tester") -> RecordWrite:
    return RecordWrite(
        address=f"connection.{name}", kind="Connection", name=name,
        spec={"application": "magento2", "auth": {"type": "oauth1", "baseUri": base, "consumerKey": "ck-" + name}},
        secrets=secrets_ if secrets_ is not None else {TOKEN: canary(), SECRET: canary()},
        sops_digests={TOKEN: "ab" * 32, SECRET: "cd" * 32},
        last_test={"outcome": "ok", "status": 200, "elapsedMs": 12.5},
        applied_by=applied_by, git_commit="0123456789abcdef0123456789abcdef01234567",
    )


def raw_sql(url: str, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Run SQL directly against the state database (``?`` placeholders), committing; returns the rows."""
    path = sqlite_path(url)
    if path is not None:
        with sqlite3.connect(path) as conn:
            rows = conn.execute(sql, tuple(params)).fetchall()
        conn.close()
        return rows
    with psycopg.connect(url, autocommit=True) as pg, pg.cursor() as cur:
        cur.execute(sql.replace("?", "%s"), tuple(params) or None)
        return cur.fetchall() if cur.description else []
