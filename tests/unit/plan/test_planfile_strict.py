"""Strict reading of plan files: exact types for every field, hostile bytes and paths refused cleanly.

Type-confused documents are refused with code ``plan-file`` naming the field, whether or not
they carry a valid MAC (a holder of the state key, or another version, could write one).
Hostile files (deep nesting, NaN, lone surrogates, not UTF-8, a FIFO, /dev/zero, 50 MB) are
refused with a message and never a traceback or a hang.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

import pytest

from provisioner.errors import ProvisionerError
from provisioner.plan.differ import diff
from provisioner.plan.planfile import read_plan_file, write_plan_file
from tests.unit.plan.builders import CountingDecryptor, connection_doc, declaration, fingerprint, record_for, snapshot
from tests.unit.plan.planfiles import change_of, tamper

KEY = bytes(range(32))


@pytest.fixture
def plan_path(tmp_path):
    kept = declaration(connection_doc("kept"), file="connections/kept.yaml")
    new = declaration(connection_doc("new"), file="connections/new.yaml")
    snap = snapshot(record_for(kept), serial=7)
    path = tmp_path / "plan.json"
    write_plan_file(diff([kept, new], snap, fingerprint=fingerprint, decrypt=CountingDecryptor()).plan, path, KEY)
    return path


def refused(path, *words):
    with pytest.raises(ProvisionerError) as exc:
        read_plan_file(path, KEY)
    assert exc.value.code == "plan-file", exc.value.message
    for word in words:
        assert word in exc.value.message
    assert "Traceback" not in exc.value.message
    return exc.value


def setter(*path_and_value):
    *path, value = path_and_value

    def edit(doc):
        node = doc
        for part in path[:-1]:
            node = change_of(node, part) if isinstance(part, str) and part.startswith("connection.") else node[part]
        node[path[-1]] = value

    return edit


def deleter(*path):
    def edit(doc):
        node = doc
        for part in path[:-1]:
            node = change_of(node, part) if isinstance(part, str) and part.startswith("connection.") else node[part]
        del node[path[-1]]

    return edit


CONFUSED = {
    "bool format_version": (setter("format_version", True), "format_version"),
    "string format_version": (setter("format_version", "1"), "format_version"),
    "float serial": (setter("serial", 7.0), "serial"),
    "negative serial": (setter("serial", -1), "serial"),
    "bool serial": (setter("serial", True), "serial"),
    "string targets": (setter("targets", "connection.new"), "targets"),
    "targets of numbers": (setter("targets", [1]), "targets[0]"),
    "string allow_delete": (setter("allow_delete", "true"), "allow_delete"),
    "int allow_delete": (setter("allow_delete", 1), "allow_delete"),
    "extra top-level key": (setter("execute", "rm -rf"), "execute: unknown field"),
    "extra change key": (setter("changes", 0, "force", True), "changes[0].force: unknown field"),
    "missing serial": (deleter("serial"), "serial: Field required"),
    "missing change action": (deleter("changes", 0, "action"), "changes[0].action: Field required"),
    "missing fields": (deleter("changes", 0, "fields"), "changes[0].fields"),
    "wrong action enum": (setter("changes", 0, "action", "destroy"), "changes[0].action"),
    "wrong kind": (setter("changes", 0, "kind", "connection; drop"), "changes[0].kind"),
    "after not a mapping": (setter("changes", 0, "after", ["x"]), "changes[0].after"),
    "digest not hex": (setter("changes", 0, "desired_digest", "x" * 64), "changes[0].desired_digest"),
    "changes a mapping": (setter("changes", {}), "changes"),
    "summary off": (setter("summary", "create", 9), "summary"),
    "has_changes off": (setter("has_changes", False), "has_changes"),
    "workspace empty": (setter("workspace", ""), "workspace"),
    "lineage a number": (setter("lineage", 5), "lineage"),
}


@pytest.mark.parametrize("resign", [False, True], ids=["old-mac", "re-signed"])
@pytest.mark.parametrize("name", list(CONFUSED))
def test_type_confused_plan_files_are_refused_naming_the_field(plan_path, name, resign):
    edit, field = CONFUSED[name]
    tamper(plan_path, edit, key=KEY if resign else None)
    refused(plan_path, field)


def test_a_change_listed_twice_is_refused(plan_path):
    tamper(plan_path, lambda doc: doc["changes"].append(dict(doc["changes"][0])), key=KEY)
    refused(plan_path, "more than once")


def test_a_format_version_from_the_future_is_named(plan_path):
    tamper(plan_path, setter("format_version", 2), key=KEY)
    refused(plan_path, "format version 2", "reads 1")


HOSTILE_BYTES = {
    "nested 100,000 deep": (b"[" * 100_000 + b"]" * 100_000, "nested more than"),
    "objects nested 100,000 deep": (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested more than"),
    "nested 65 deep": (b'{"format_version": 1, "x": ' + b"[" * 65 + b"]" * 65 + b"}", "nested more than"),
    "NaN": (b'{"format_version": 1, "serial": NaN}', "NaN"),
    "Infinity": (b'{"format_version": 1, "serial": Infinity}', "Infinity"),
    "-Infinity": (b'{"format_version": 1, "serial": -Infinity}', "-Infinity"),
    "overflowing float": (b'{"format_version": 1, "serial": 1e999}', "out of range"),
    "huge integer": (b'{"format_version": 1, "serial": ' + b"9" * 5000 + b"}", "5000 characters"),
    "lone surrogate value": (b'{"format_version": 1, "workspace": "\\ud800"}', "not valid Unicode"),
    "lone surrogate key": (b'{"format_version": 1, "\\udfff": 1}', "not valid Unicode"),
    "not UTF-8": (b'{"format_version": 1, "workspace": "\xff\xfe"}', "not UTF-8"),
    "UTF-8 encoded surrogate": (b'{"workspace": "\xed\xa0\x80"}', "not UTF-8"),
    "UTF-16": ('{"format_version": 1}'.encode("utf-16"), "not UTF-8"),
    "duplicate key": (b'{"format_version": 1, "serial": 1, "serial": 2}', "twice"),
    "empty": (b"", "not JSON"),
    "truncated": (b'{"format_version": 1, "changes": [', "not JSON"),
    "top-level array": (b"[1, 2]", "not a provisioner plan"),
    "top-level string": (b'"plan"', "not a provisioner plan"),
    "control characters": (b'{"format_version": 1\x1b[2J}', "not JSON"),
}


@pytest.mark.parametrize("name", list(HOSTILE_BYTES))
def test_hostile_bytes_are_refused_with_a_message(tmp_path, name):
    data, words = HOSTILE_BYTES[name]
    path = tmp_path / "plan.json"
    path.write_bytes(data)
    error = refused(path, words)
    assert "\x1b" not in error.message and "\ud800" not in error.message


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "plan.json"
    with path.open("wb") as fh:  # sparse: no 50 MB written to the disk
        fh.truncate(50 * 1024 * 1024)
    refused(path, "more than the")


def test_a_50_mb_document_is_refused(tmp_path):
    path = tmp_path / "plan.json"
    path.write_bytes(b'{"format_version": 1, "pad": "' + b"x" * (50 * 1024 * 1024) + b'"}')
    refused(path, "more than the")


def test_dev_zero_is_refused_without_reading_it():
    refused(Path("/dev/zero"), "not a regular file")


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)  # nobody ever writes to it: opening it for reading would block without O_NONBLOCK
    refused(fifo, "not a regular file")


def test_a_symlink_to_a_device_is_refused(tmp_path):
    link = tmp_path / "plan.json"
    link.symlink_to("/dev/zero")
    refused(link, "not a regular file")


def test_a_directory_is_refused(tmp_path):
    refused(tmp_path, "a directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_refused(plan_path):
    plan_path.chmod(0)
    refused(plan_path, "cannot open")


def test_deep_nesting_leaves_the_recursion_limit_alone(tmp_path):
    path = tmp_path / "plan.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    limit = sys.getrecursionlimit()
    refused(path, "nested")
    assert sys.getrecursionlimit() == limit


@pytest.mark.parametrize("kind", ["device", "fifo", "symlink", "directory"])
def test_plan_out_never_replaces_something_that_is_not_a_regular_file(plan_path, tmp_path, kind):
    plan = read_plan_file(plan_path, KEY)
    target = tmp_path / "out.json"
    if kind == "device":
        target = Path("/dev/null")
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "symlink":
        target.symlink_to(plan_path)
    else:
        target.mkdir()
    with pytest.raises(ProvisionerError) as exc:
        write_plan_file(plan, target, KEY)
    assert exc.value.code == "plan-file"
    assert Path("/dev/null").is_char_device()


def test_a_plan_that_cannot_be_json_is_not_written(plan_path, tmp_path):
    plan = read_plan_file(plan_path, KEY)
    bad = dataclasses.replace(plan, workspace="\ud800")
    with pytest.raises(ProvisionerError) as exc:
        write_plan_file(bad, tmp_path / "out.json", KEY)
    assert exc.value.code == "plan-file"
    assert not (tmp_path / "out.json").exists()


def test_a_hostile_key_cannot_forge_a_line_in_the_message(plan_path):
    """An unknown key is named before the MAC is checked: its control characters are escaped."""
    forged = "\x1b[2J\r\nfake: applied create connection.x | test: ok"
    tamper(plan_path, setter(forged, 1))
    error = refused(plan_path, "unknown field")
    assert "\x1b" not in error.message and "\r" not in error.message and "\n" not in error.message
    assert "\\u001b" in error.message
