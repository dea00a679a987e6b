"""Decrypting many files at once: a bounded thread pool over sops processes (~30 ms each).

Each file is decrypted once however often it appears in the input; results come back in
input order, one per input path.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from provisioner.config import DEFAULT_PARALLELISM
from provisioner.secrets.sops import DecryptedFile, Sops, SopsFailure

Outcome = DecryptedFile | SopsFailure


def decrypt_files(
    paths: Sequence[Path], *, sops: Sops | None = None, parallelism: int = DEFAULT_PARALLELISM
) -> list[Outcome]:
    """Decrypt ``paths`` with at most ``parallelism`` sops processes at a time."""
    if parallelism < 1:
        raise ValueError("parallelism must be at least 1")
    unique = list(dict.fromkeys(paths))
    if not unique:
        return []
    runner = sops or Sops()
    workers = min(parallelism, len(unique))
    if workers == 1:
        outcomes = [runner.decrypt(p) for p in unique]
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sops") as pool:
            outcomes = list(pool.map(runner.decrypt, unique))
    by_path = dict(zip(unique, outcomes, strict=True))
    return [by_path[p] for p in paths]
