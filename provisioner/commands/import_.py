"""``provisioner import``: declarations written back from the state, for records no file declares any more.

For each record: its public document plus its unsealed secrets, as YAML with the schema modeline, is
fed to ``sops encrypt`` on stdin under the project's ``.sops.yaml``; only the encrypted text is written,
to a new file (never over an existing one: every path is checked before anything is written, and each
file is created exclusively). The plaintext exists in this process's memory and sops' stdin, nowhere else.

The new ciphertexts are then recorded in the state (history action ``import``; the serial moves, as for
any write), so the next plan is "no changes" instead of "secrets re-encrypted" for every imported file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from provisioner.commands.import_document import declaration_yaml
from provisioner.commands.probe_sources import resource_from_record
from provisioner.commands.state_open import open_project_store
from provisioner.commands.validate import resolve_paths
from provisioner.commands.workspace import actor
from provisioner.config import ProjectConfig
from provisioner.declarations.loader import load_text, validate_paths
from provisioner.declarations.models import Connection
from provisioner.errors import ConfigError, ProvisionerError, SecretsError
from provisioner.plan.differ import ciphertext_digests
from provisioner.secrets.verify import project_sops
from provisioner.state.records import Record, RecordWrite


@dataclass(frozen=True)
class Imported:
    address: str
    file: str  # relative to the project root when inside it


@dataclass(frozen=True)
class Skipped:
    address: str
    reason: str


@dataclass
class ImportResult:
    written: list[Imported] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    serial: int | None = None


def file_name(record: Record) -> str:
    return f"{record.name}.yaml" if record.kind == "Connection" else f"agent-{record.name}.yaml"


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _select(records: dict[str, Record], names: Sequence[str], declared: dict[str, str],
            result: ImportResult) -> list[Record]:
    if not names:
        chosen = [r for a, r in sorted(records.items()) if a not in declared]
    else:
        chosen, unknown = [], []
        for name in dict.fromkeys(names):
            found = [records[a] for a in (name, f"connection.{name}", f"agent.{name}") if a in records]
            if not found:
                unknown.append(name)
            chosen.extend(found[:1])
        if unknown:
            known = ", ".join(sorted(r.name for r in records.values())) or "none"
            raise ConfigError(f"nothing named {', '.join(unknown)} in the state", code="unknown-record",
                              hint=f"in the state: {known}")
    for record in [r for r in chosen if r.address in declared]:
        result.skipped.append(Skipped(record.address, f"declared already in {declared[record.address]}"))
    return [r for r in chosen if r.address not in declared]


def _check_agents(chosen: list[Record], records: dict[str, Record], declared: dict[str, str],
                  result: ImportResult) -> None:
    importing = {r.address for r in chosen}
    for record in chosen:
        agent = record.spec.get("spec", {}).get("agent") if record.kind == "Connection" else None
        if agent and f"agent.{agent}" not in declared and f"agent.{agent}" not in importing:
            where = "import it too: provisioner import " + agent if f"agent.{agent}" in records else "declare it"
            result.notes.append(f"{record.address} is tested through agent {agent}, which is not declared: {where}")


def _target_path(out: Path, record: Record, taken: set[Path]) -> Path:
    path = out / file_name(record)
    if path in taken:
        raise ProvisionerError(f"{path}: two imported records would share this file", code="import-exists")
    if path.exists() or path.is_symlink():
        raise ProvisionerError(f"{path} exists: import never overwrites a file (nothing was written)",
                               code="import-exists", hint="move it away, or import into another directory with --out")
    taken.add(path)
    return path


def _create(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def import_records(config: ProjectConfig, names: Sequence[str] = (), *, out: Path | None = None,
                   workspace: str | None = None, lock_timeout: float = 0.0) -> ImportResult:
    """Write a declaration for each selected record (all undeclared ones when ``names`` is empty)."""
    # What the files declare, valid or not: an invalid file still declares its resource (and a connection
    # whose agent file was deleted is invalid until the agent is imported).
    loaded = validate_paths(resolve_paths((), config))
    declared = {address: "the declaration files" for address in loaded.addresses}
    declared |= {d.address: _shown(d.file, config.root) for d in loaded.declarations}
    directory = out or (config.paths[0] if config.paths else config.root / "connections")
    result = ImportResult()
    sops = project_sops(config)
    sops_config = config.root / ".sops.yaml"
    with open_project_store(config, workspace) as store, store.lock("import", timeout=lock_timeout):
        records = dict(store.snapshot().records)
        chosen = _select(records, names, declared, result)
        _check_agents(chosen, records, declared, result)
        taken: set[Path] = set()
        planned = [(record, _target_path(directory, record, taken)) for record in chosen]
        encrypted: list[tuple[Record, Path, str, dict[str, str], dict[str, str]]] = []
        for record, path in planned:
            secrets = store.unseal(record.address)
            resource = resource_from_record(record, secrets)  # proves the record describes a valid resource
            schema = "connection" if isinstance(resource, Connection) else "agent"
            plaintext = declaration_yaml(record, secrets, resource, schema_ref(config.root, directory, schema))
            text = sops.encrypt(plaintext, filename=path, config=sops_config if sops_config.is_file() else None,
                                cwd=config.root)
            del plaintext
            encrypted.append((record, path, text, secrets, _digests(text, path, set(secrets))))
        if encrypted:
            directory.mkdir(parents=True, exist_ok=True)
        who = actor()
        for record, path, text, secrets, digests in encrypted:
            _create(path, text)
            result.serial = store.put(RecordWrite(
                address=record.address, kind=record.kind, name=record.name, spec=record.spec, secrets=secrets,
                sops_digests=digests, last_test=record.last_test, applied_by=who, git_commit=record.git_commit,
                target_outputs=record.target_outputs), action="import", actor=who)
            result.written.append(Imported(record.address, _shown(path, config.root)))
    return result


def _digests(text: str, path: Path, secret_paths: set[str]) -> dict[str, str]:
    """The ciphertext digests of the encrypted text; every secret must have come back as ENC[...]."""
    loaded = load_text(text, path)
    if loaded.diagnostics.has_errors or len(loaded.declarations) != 1:
        raise SecretsError(f"{path}: the encrypted declaration does not load back (nothing was written)",
                           code="import-encrypt")
    decl = loaded.declarations[0]
    missing = sorted(secret_paths - set(decl.ciphertexts))
    if missing:
        raise SecretsError(f"{path}: .sops.yaml did not encrypt {', '.join(missing)} (nothing was written)",
                           code="import-encrypt",
                           hint="its creation rule must use encrypted_regex on the secret field names (see init)")
    return ciphertext_digests(decl)


def schema_ref(root: Path, directory: Path, schema: str) -> str:
    """The modeline's schema path, relative to the written file (as in connections/*.yaml)."""
    return os.path.relpath(root / "schemas" / f"{schema}.schema.json", directory.resolve()).replace(os.sep, "/")
