"""Files the tool writes: atomically, with an explicit mode that does not depend on the umask.

``PRIVATE`` (0600) for anything that may matter (plan files), ``PUBLIC`` (0644) otherwise (markdown,
schemas, init's files). Under ``umask 000`` a plain ``write_text`` made them 0666: writable by anyone.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

PRIVATE = 0o600
PUBLIC = 0o644


def write_file(path: Path, data: str | bytes, *, mode: int, exclusive: bool = False) -> None:
    """Write ``data`` (str as UTF-8) to ``path`` with exactly ``mode``: a temp file in the same directory,
    fsynced, chmod'ed, then renamed over ``path`` (readers never see half a file).

    ``exclusive``: raise ``FileExistsError`` instead of replacing an existing file. A path that exists
    and is not a regular file (``/dev/stdout``, a FIFO) is written in place, as ``write_text`` would.
    A symbolic link is followed: its target is replaced, not the link.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    real = Path(os.path.realpath(path))
    try:
        info = real.stat()
    except FileNotFoundError:
        info = None
    if info is not None and exclusive:
        raise FileExistsError(f"{path} exists")
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(real, "wb") as fh:  # a device or a pipe: no rename, no mode
            fh.write(raw)
        return
    real.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        if exclusive:
            os.link(tmp, real)  # fails with FileExistsError if someone created it meanwhile
            os.unlink(tmp)
        else:
            os.replace(tmp, real)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
