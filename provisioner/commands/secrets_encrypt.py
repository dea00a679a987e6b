"""``provisioner secrets encrypt FILE...``: encrypt the secret fields left in clear, with the repository's rules.

- A file with no sops metadata: its text goes to sops' stdin (``--filename-override`` picks the
  creation rule of the project's ``.sops.yaml``) and the encrypted text replaces it.
- A sops file in which a secret field was set in clear by hand (``sops encrypt`` refuses such a
  file, ``sops edit`` cannot decrypt it): the plaintext values are set aside in memory, the rest is
  decrypted through a pipe, the values are put back where they were, and the whole is encrypted
  again. The file's MAC cannot match once a value was replaced, so it is not checked
  (``--ignore-mac``); each remaining value is still authenticated by its own AES-GCM tag (exit 25 if
  one was altered). The result says so: review the diff.
Plaintext never touches argv, a temp file or the output; the file is replaced atomically, its mode kept.
"""

from __future__ import annotations

import io
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from provisioner.applications.registry import secret_field_names
from provisioner.commands.secrets_files import (
    FileOutcome,
    SecretsResult,
    Status,
    is_encrypted,
    project_sops,
    sops_reason,
)
from provisioner.config import ProjectConfig
from provisioner.errors import SecretsError
from provisioner.files import write_file
from provisioner.secrets.sops import Sops

_ENC = re.compile(r"^ENC\[[A-Z0-9_]+,data:")
_Plain = tuple[int, tuple[Any, ...], int, str]  # document, path to the key, its position, the value


def _set_aside(node: Any, doc: int, path: tuple[Any, ...], names: frozenset[str], out: list[_Plain]) -> None:
    if not isinstance(node, dict):
        return
    for position, (key, value) in enumerate(list(node.items())):
        if isinstance(value, dict) and key != "sops":
            _set_aside(value, doc, (*path, key), names, out)
        elif key in names and isinstance(value, str) and not _ENC.match(value):
            out.append((doc, (*path, key), position, value))
    for _, found, _, _ in out:
        if found[:-1] == path and found[-1] in node:
            del node[found[-1]]


def _dump(documents: Sequence[Any]) -> str:
    buffer = io.StringIO()
    yaml = YAML(typ="rt")
    yaml.dump_all(documents, buffer)
    return buffer.getvalue()


def _partly_plain(sops: Sops, text: str, root: Path) -> tuple[str | None, str]:
    """(the whole file in clear, "") or (None, why not) for a sops file with values in clear."""
    documents = list(YAML(typ="rt").load_all(text))
    plain: list[_Plain] = []
    for index, document in enumerate(documents):
        _set_aside(document, index, (), frozenset(secret_field_names()), plain)
    if not plain:
        return None, "no secret field in clear: nothing to encrypt"
    done = sops.run(["decrypt", "--ignore-mac", "--input-type", "yaml", "--output-type", "yaml"],
                    stdin=_dump(documents).encode("utf-8"), cwd=root)
    if done.returncode != 0:
        return None, sops_reason(done.returncode, done.stderr, Path("FILE"))
    decrypted = list(YAML(typ="rt").load_all(done.stdout.decode("utf-8")))
    for doc, path, position, value in plain:
        node = decrypted[doc]
        for key in path[:-1]:
            node = node[key]
        node.insert(min(position, len(node)), path[-1], value)
    return _dump(decrypted), ""


def encrypt_files(config: ProjectConfig, files: Sequence[Path]) -> SecretsResult:
    result = SecretsResult("encrypt", config.root)
    sops = project_sops(config)
    for file in files:
        path = file.resolve()
        try:
            text = path.read_text(encoding="utf-8")
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError as exc:
            result.files.append(FileOutcome(path, "failed", f"cannot read it: {exc.strerror}"))
            continue
        partly = is_encrypted(path)
        try:
            plaintext, why = _partly_plain(sops, text, config.root) if partly else (text, "")
        except YAMLError:
            plaintext, why = None, "not valid YAML"  # never the parser's message: it may quote a value
        if plaintext is None:
            status: Status = "unchanged" if why.startswith("no secret field") else "failed"
            result.files.append(FileOutcome(path, status, why))
            continue
        try:
            encrypted = sops.encrypt(plaintext, filename=path, cwd=config.root)
        except SecretsError as exc:
            result.files.append(FileOutcome(path, "failed", exc.message))
            continue
        write_file(path, encrypted, mode=mode)
        note = "values in clear encrypted; the old MAC could not be checked: review the diff" if partly else ""
        result.files.append(FileOutcome(path, "encrypted", note))
    return result
