"""A PostgreSQL password is never shown: not in the authority, the query string, or a conninfo."""

from __future__ import annotations

import os
import socket

import pytest

from provisioner.errors import StateError
from provisioner.state import open_store
from provisioner.state.urls import mask_url
from tests.integration.state.helpers import canary


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://app:{pw}@db:5432/state", "postgresql://app:***@db:5432/state"),
    ("postgresql://db/state?password={pw}", "postgresql://db/state?password=***"),
    ("postgres://db/state?sslmode=require&sslpassword={pw}", "postgres://db/state?sslmode=require&sslpassword=***"),
    ("postgresql://db/state?PassWord={pw}&application_name=x", "postgresql://db/state?password=***&application_name=x"),
    ("host=db password={pw} dbname=state", "host=db password=*** dbname=state"),
    ("host=db password = '{pw} with spaces' dbname=state", "host=db password=*** dbname=state"),
])
def test_mask_url_masks_every_password(url: str, shown: str) -> None:
    secret = canary()
    masked = mask_url(url.format(pw=secret))
    assert masked == shown and secret not in masked


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("form", ["?password={pw}", "?sslpassword={pw}&sslmode=disable"])
def test_an_unreachable_server_error_does_not_show_a_query_string_password(form: str) -> None:
    secret = canary()
    url = f"postgresql://127.0.0.1:{_closed_port()}/state" + form.format(pw=secret)
    with pytest.raises(StateError, match="cannot connect to the state database") as caught:
        open_store(url, workspace="default", key=os.urandom(32))
    assert secret not in str(caught.value) and secret not in (caught.value.hint or "")
    assert "password=***" in str(caught.value)


@pytest.mark.postgres
def test_a_missing_workspace_error_does_not_show_a_query_string_password(postgres_url: str) -> None:
    secret = canary()
    url = postgres_url + ("&" if "?" in postgres_url else "?") + f"password={secret}"
    with open_store(url, workspace="default", key=os.urandom(32), create=True):
        pass
    with pytest.raises(StateError, match="workspace nope does not exist") as caught:
        open_store(url, workspace="nope", key=os.urandom(32))
    assert secret not in str(caught.value) and "password=***" in str(caught.value)
