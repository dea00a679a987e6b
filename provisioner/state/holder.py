"""Who holds a lease, precisely enough to prove it dead: boot id, pid namespace, pid, process start time.

A pid alone proves nothing: in another container (another pid namespace, the same host name) the
same pid is another process, or none. A holder is declared dead only when it ran on this host name and boot of
this machine, in this pid namespace, and no process with that pid *and that start time* exists;
in every other case (another host, another namespace, anything unreadable) it is trusted until
its lease expires.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def _boot_id() -> str | None:
    try:
        return BOOT_ID.read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def _pid_namespace() -> int | None:
    try:
        return os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return None


def start_time(pid: int) -> int | None:
    """Field 22 of /proc/PID/stat (clock ticks after boot), or None when there is no such process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) ": field 3 onwards
    return int(fields[19])


def identity() -> dict[str, Any] | None:
    """This process's identity, or None where /proc does not tell it (then leases only expire)."""
    boot, ns, started = _boot_id(), _pid_namespace(), start_time(os.getpid())
    if boot is None or ns is None or started is None:
        return None
    return {"host": socket.gethostname(), "boot_id": boot, "pid_ns": ns, "pid": os.getpid(), "start_time": started}


def to_column(value: Mapping[str, Any] | None) -> str | None:
    return json.dumps(dict(value), sort_keys=True) if value is not None else None


def from_column(text: object) -> dict[str, Any] | None:
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def is_dead(holder: Mapping[str, Any] | None) -> bool:
    """True only when ``holder`` is provably a process of this boot and pid namespace that is gone."""
    mine = identity()
    if holder is None or mine is None:
        return False
    try:
        pid, started = int(holder["pid"]), int(holder["start_time"])
        same_place = (holder["host"] == mine["host"] and holder["boot_id"] == mine["boot_id"]
                      and int(holder["pid_ns"]) == mine["pid_ns"])
    except (KeyError, TypeError, ValueError):
        return False
    if not same_place or pid == os.getpid():
        return False
    return start_time(pid) != started  # gone, or the pid now belongs to a later process
