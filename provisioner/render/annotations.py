"""GitHub Actions workflow commands (``::error file=…,line=…,col=…::message``): one line builder for every command.

``validate`` renders its diagnostics with it (``render.diagnostics.render_github``); ``plan``, ``test``,
``apply`` and ``drift`` put their failures on the declaration's line (``commands.locations``).
"""

from __future__ import annotations

from collections.abc import Mapping

from provisioner.diagnostics import SourceRange
from provisioner.render.console import stdout_console


def github_escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def annotation(level: str, message: str, *, title: str | None = None, source: SourceRange | None = None,
               file: str | None = None) -> str:
    """``::LEVEL file=…,line=…,col=…,title=…::MESSAGE``; ``source`` wins over a bare ``file``."""
    props: list[str] = []
    where = source.file if source is not None else file
    if where:
        props.append(f"file={github_escape(where, prop=True)}")
    if source is not None and source.line > 0:
        props.append(f"line={source.line}")
        if source.column > 0:
            props.append(f"col={source.column}")
    if title:
        props.append(f"title={github_escape(title, prop=True)}")
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    return f"{head}::{github_escape(message)}"


def print_annotation(level: str, message: str, *, title: str | None = None, address: str | None = None,
                     locations: Mapping[str, SourceRange] | None = None, file: str | None = None) -> None:
    source = (locations or {}).get(address) if address else None
    stdout_console().out(annotation(level, message, title=title, source=source, file=file), highlight=False)
