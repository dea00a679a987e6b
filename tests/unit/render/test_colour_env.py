"""NO_COLOR means no escape code at all (bold and dim included); FORCE_COLOR gives colour without a terminal."""

from __future__ import annotations

import io
import os
import pty
import re

import pytest

from provisioner.render import console as consoles

ESCAPE = re.compile(r"\x1b\[")
MARKUP = "[bold]bold[/bold] [dim]dim[/dim] [red]red[/red] [green]created[/green]"


def _render(monkeypatch, env: dict[str, str], *, tty: bool) -> str:
    for name in ("NO_COLOR", "FORCE_COLOR", "COLORTERM", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if tty:
        leader, follower = pty.openpty()
        with open(follower, "w", encoding="utf-8", closefd=True) as stream:
            monkeypatch.setattr(consoles.sys, "stdout", stream)
            consoles.stdout_console().print(MARKUP)
            stream.flush()
        data = os.read(leader, 65536).decode("utf-8", errors="replace")
        os.close(leader)
        return data
    buffer = io.StringIO()
    monkeypatch.setattr(consoles.sys, "stdout", buffer)
    consoles.stdout_console().print(MARKUP)
    return buffer.getvalue()


@pytest.mark.parametrize("value", ["1", "true", "0", "yes"])  # any non-empty value, "0" included
def test_no_color_on_a_terminal_writes_no_escape_code(monkeypatch, value):
    out = _render(monkeypatch, {"NO_COLOR": value, "TERM": "xterm-256color"}, tty=True)
    assert "bold dim red created" in out
    assert not ESCAPE.search(out), repr(out)


def test_no_color_wins_over_force_color(monkeypatch):
    out = _render(monkeypatch, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, tty=False)
    assert not ESCAPE.search(out) and "bold dim red" in out


def test_a_terminal_without_no_color_gets_styles(monkeypatch):
    out = _render(monkeypatch, {"TERM": "xterm-256color"}, tty=True)
    assert ESCAPE.search(out)  # the check above can fail: this is what it would catch


def test_a_pipe_gets_no_escape_code(monkeypatch):
    assert not ESCAPE.search(_render(monkeypatch, {}, tty=False))


def test_force_color_colours_a_log_that_is_not_a_terminal(monkeypatch):
    out = _render(monkeypatch, {"FORCE_COLOR": "1"}, tty=False)
    assert "\x1b[1m" in out and "\x1b[31m" in out  # bold, red (standard colours)



@pytest.mark.parametrize("value", ["0", "false"])
def test_force_color_zero_turns_colour_off(monkeypatch, value):
    assert not ESCAPE.search(_render(monkeypatch, {"FORCE_COLOR": value, "TERM": "xterm"}, tty=True))
