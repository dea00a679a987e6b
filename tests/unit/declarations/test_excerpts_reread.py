"""Excerpts keep a digest of each parsed file and read it again only to show a line (issue 16: memory).

What is shown must still be the file as parsed: an edited file, a file swapped for a FIFO (which must
not block) or a removed one shows no excerpt at all, rather than lines the positions do not point at.
"""

from __future__ import annotations

import os
from pathlib import Path

from provisioner.declarations import excerpts

TEXT = "kind: Connection\nspec:\n  auth:\n    accessToken: plain-secret-value\n    baseUri: http://x\n"


def _registered(tmp_path: Path) -> Path:
    file = tmp_path / "c.yaml"
    file.write_text(TEXT, encoding="utf-8")
    excerpts.register(file, TEXT)
    return file


def test_a_line_is_read_again_and_its_secret_masked(tmp_path: Path) -> None:
    file = _registered(tmp_path)
    assert excerpts.masked_line(str(file), 5, 5) == ("    baseUri: http://x", 5)
    line, _ = excerpts.masked_line(str(file), 4, 5) or ("", 0)
    assert "plain-secret-value" not in line and excerpts.MASK in line


def test_a_file_edited_since_it_was_parsed_shows_no_excerpt(tmp_path: Path) -> None:
    file = _registered(tmp_path)
    file.write_text(TEXT.replace("http://x", "http://y"), encoding="utf-8")
    assert excerpts.masked_line(str(file), 5, 5) is None


def test_a_file_swapped_for_a_fifo_or_removed_shows_no_excerpt_and_never_blocks(tmp_path: Path) -> None:
    file = _registered(tmp_path)
    file.unlink()
    assert excerpts.masked_line(str(file), 1, 1) is None
    os.mkfifo(file)  # nobody writes to it: opening it for reading would block without O_NONBLOCK
    assert excerpts.masked_line(str(file), 1, 1) is None
