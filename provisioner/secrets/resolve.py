"""Filling declarations' secret fields with decrypted values.

``decrypt_declarations`` takes any subset of declarations (the plan passes only those whose
secret ciphertexts changed), decrypts each distinct file once, in parallel, and returns
copies whose secret ``SecretStr`` fields hold the values, matched by file and document
index. Only the secret fields are taken from sops' output; everything else stays exactly
as the loader produced it. ``on_decrypted`` sees each decrypted copy as soon as its file is
done (completion order, on the calling thread), while the other files are still decrypting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, SecretStr

from provisioner.config import DEFAULT_PARALLELISM
from provisioner.declarations.declaration import Declaration
from provisioner.declarations.models import Resource, secret_paths
from provisioner.diagnostics import Diagnostics
from provisioner.secrets.failures import failure_diagnostic
from provisioner.secrets.parallel import decrypt_streaming
from provisioner.secrets.sops import DecryptedFile, Sops, SopsFailure

_MISSING = object()
_M = TypeVar("_M", bound=BaseModel)


def decrypt_declarations(
    declarations: Sequence[Declaration], *, parallelism: int = DEFAULT_PARALLELISM, sops: Sops | None = None,
    on_decrypted: Callable[[Declaration], None] | None = None,
) -> tuple[list[Declaration], Diagnostics]:
    """Decrypted copies of ``declarations``, in input order, and what went wrong.

    The result has one entry per input. An entry whose file could not be decrypted is the
    input itself (``decrypted`` stays False) and the diagnostics say why, once per file.
    Declarations already decrypted, or without secret fields, cost no sops call.
    """
    diagnostics = Diagnostics()
    pending = [d for d in declarations if not d.decrypted and secret_paths(d.resource)]
    in_file: dict[Path, list[int]] = {}
    for index, declaration in enumerate(declarations):
        if not declaration.decrypted and secret_paths(declaration.resource):
            in_file.setdefault(declaration.file, []).append(index)
    display = {d.file: d.source.file for d in pending}
    filled: dict[int, Declaration] = {}
    filled_diagnostics: dict[int, Diagnostics] = {}
    failed: dict[Path, SopsFailure] = {}
    for path, outcome in decrypt_streaming(list(in_file), sops=sops, parallelism=parallelism):
        if not isinstance(outcome, DecryptedFile):
            failed[path] = outcome
            continue
        for index in in_file[path]:
            found = Diagnostics()
            filled[index] = done = _fill(declarations[index], outcome, found)
            filled_diagnostics[index] = found
            if on_decrypted is not None and done.decrypted:
                on_decrypted(done)

    result: list[Declaration] = []
    for index, declaration in enumerate(declarations):
        if declaration.decrypted:
            result.append(declaration)
        elif not secret_paths(declaration.resource):
            result.append(replace(declaration, decrypted=True))
        elif index in filled:
            diagnostics.extend(filled_diagnostics[index])
            result.append(filled[index])
        else:
            diagnostics.add(failure_diagnostic(failed[declaration.file], display[declaration.file]))
            result.append(declaration)
    return result, diagnostics


def _lookup(document: Mapping[str, Any], dotted: str) -> object:
    node: object = document
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _fill(declaration: Declaration, decrypted: DecryptedFile, diagnostics: Diagnostics) -> Declaration:
    index = declaration.document_index
    if not 0 <= index < len(decrypted.documents):
        diagnostics.error(
            "sops.document-mismatch",
            f"sops returned {len(decrypted.documents)} document(s); document {index + 1} is missing",
            hint="sops cannot round-trip empty or comment-only documents: remove them", source=declaration.source,
        )
        return declaration
    document = decrypted.documents[index]
    values: dict[str, str] = {}
    for path in secret_paths(declaration.resource):
        value = _lookup(document, path)
        source = declaration.position(path)
        if value is _MISSING:
            diagnostics.error("secret.not-found", f"{path} is missing from the decrypted document", source=source)
        elif not isinstance(value, str):
            diagnostics.error(
                "secret.not-string", f"{path} decrypts to a {type(value).__name__}, not a string",
                hint="quote the value before encrypting it, e.g. with `sops edit`", source=source,
            )
        elif value.startswith("ENC[AES256_GCM,"):
            diagnostics.error(
                "secret.not-decrypted", f"{path} holds ENC[...] text that sops did not decrypt",
                hint="the value was copied from another file; set it again with `sops edit`", source=source,
            )
        else:
            values[path] = value
    if len(values) != len(secret_paths(declaration.resource)):
        return declaration
    return replace(declaration, resource=with_secrets(declaration.resource, values), decrypted=True)


def with_secrets(resource: Resource, values: Mapping[str, str]) -> Resource:
    """A copy of ``resource`` whose secret fields at the dotted ``values`` paths hold those values.

    Nested ``model_copy`` rather than dump-and-validate: validators that look at which fields
    were set (the method table) see exactly what the file said, and nothing is coerced.
    """
    updated = resource
    for dotted, value in values.items():
        updated = _copy_at(updated, dotted.split("."), SecretStr(value))
    return updated


def _copy_at(model: _M, path: list[str], value: object) -> _M:
    head, *rest = path
    if not rest:
        return model.model_copy(update={head: value})
    child = getattr(model, head)
    if not isinstance(child, BaseModel):
        raise TypeError(f"{head} is not a model")  # a path from secret_paths always is
    return model.model_copy(update={head: _copy_at(child, rest, value)})
