"""How a path is shown to a person: relative to a base directory when inside it, as given otherwise."""

from __future__ import annotations

from pathlib import Path


def shown_path(path: Path, base: Path | None) -> str:
    """``path`` relative to ``base`` (both resolved) when it lies inside it, else ``path`` unchanged.

    Diagnostics, plans and annotations name files this way: GitHub annotations need paths relative
    to the working directory, plans name files relative to the project root.
    """
    if base is not None:
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except (ValueError, OSError):
            pass
    return str(path)
