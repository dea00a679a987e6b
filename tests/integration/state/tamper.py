"""Tampering behind the store's back, as someone with write access to the database would do it."""

from __future__ import annotations

from typing import Any

from provisioner.state.schema import _POSTGRES_APPEND_ONLY, _SQLITE_APPEND_ONLY
from provisioner.state.urls import sqlite_path
from tests.integration.state.helpers import raw_sql

ROW_COLUMNS = ("kind", "name", "spec", "sealed", "fingerprints", "sops_digests", "last_test", "applied_at",
               "applied_by", "git_commit", "serial", "target_outputs", "format_version", "mac")


def copy_row(url: str, address: str, workspace: str = "default") -> tuple[Any, ...]:
    return raw_sql(url, f"SELECT {', '.join(ROW_COLUMNS)} FROM records WHERE workspace = ? AND address = ?",
                   (workspace, address))[0]


def restore_row(url: str, address: str, row: tuple[Any, ...], workspace: str = "default") -> None:
    """Put an old copy of a row back, with its old (valid) MAC: a rollback of one record."""
    sets = ", ".join(f"{c} = ?" for c in ROW_COLUMNS)
    raw_sql(url, f"UPDATE records SET {sets} WHERE workspace = ? AND address = ?",
            (*row, workspace, address))


def drop_triggers(url: str) -> None:
    if sqlite_path(url) is not None:
        raw_sql(url, "DROP TRIGGER history_no_update")
        raw_sql(url, "DROP TRIGGER history_no_delete")
    else:
        raw_sql(url, "DROP TRIGGER history_no_change ON history")
        raw_sql(url, "DROP TRIGGER history_no_truncate ON history")


def restore_triggers(url: str) -> None:
    """Put the triggers back, as a careful attacker would after editing the history."""
    if sqlite_path(url) is not None:
        for statement in _SQLITE_APPEND_ONLY:
            raw_sql(url, statement)
    else:
        for statement in _POSTGRES_APPEND_ONLY[1:]:
            raw_sql(url, statement)
