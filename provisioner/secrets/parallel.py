"""Decrypting many files at once: a bounded thread pool over sops processes (~30 ms each).

Each file is decrypted once however often it appears in the input. ``decrypt_files`` gives the
results in input order, one per input path; ``decrypt_streaming`` yields each file as soon as its
sops process is done (completion order), so a caller can start on it (``apply`` tests the
connection) while the other files are still being decrypted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
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


def decrypt_streaming(
    paths: Sequence[Path], *, sops: Sops | None = None, parallelism: int = DEFAULT_PARALLELISM
) -> Iterator[tuple[Path, Outcome]]:
    """Each distinct path of ``paths`` with its outcome, as soon as it is decrypted (at most ``parallelism``
    sops processes at a time). Closing the iterator early cancels the files not yet started."""
    if parallelism < 1:
        raise ValueError("parallelism must be at least 1")
    unique = list(dict.fromkeys(paths))
    if not unique:
        return
    runner = sops or Sops()
    with ThreadPoolExecutor(max_workers=min(parallelism, len(unique)), thread_name_prefix="sops") as pool:
        futures = {pool.submit(runner.decrypt, p): p for p in unique}
        try:
            for done in as_completed(futures):
                yield futures[done], done.result()
        finally:
            for fut in futures:
                fut.cancel()
