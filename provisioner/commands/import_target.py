"""``provisioner import --from-target [NAME|ID]...``: declarations for connections that exist only remotely.

Reads the account through the project's target (integrator.io), writes one sops-encrypted file per
remote Magento 2 connection no record manages: non-secret fields filled in, each secret the
placeholder SET-THIS-SECRET until set with ``provisioner secrets edit FILE`` (``validate --decrypt``
reports each as an error until then, and the target never sends one).
Never overwrites a file; writes nothing to the state (the first apply adopts the remote connection by
its ``integratorio/id`` label instead of creating another).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from ruamel.yaml import YAML

from provisioner.commands.import_ import Imported, ImportResult, _create, _shown, schema_ref
from provisioner.commands.state_open import open_project_store
from provisioner.commands.validate import resolve_paths
from provisioner.config import ProjectConfig
from provisioner.declarations.loader import validate_paths
from provisioner.errors import ConfigError, ProvisionerError
from provisioner.secrets.verify import project_sops
from provisioner.targets import target_for
from provisioner.targets.integratorio.importing import declaration, select, slug
from provisioner.targets.integratorio.target import IntegratorioTarget


def _yaml(document: dict[str, object], schema: str) -> str:
    buffer = io.StringIO()
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.dump(document, buffer)
    return (f"# yaml-language-server: $schema={schema}\n"
            "# Imported from integrator.io by `provisioner import --from-target`: the secrets are placeholders;\n"
            "# set them with `provisioner secrets edit` before applying.\n" + buffer.getvalue())


def import_from_target(config: ProjectConfig, names: Sequence[str] = (), *, out: Path | None = None,
                       workspace: str | None = None) -> ImportResult:
    target = target_for(config)
    try:
        if not isinstance(target, IntegratorioTarget):
            raise ConfigError(f"import --from-target needs a target that can be read back; this project's is "
                              f"{target.name}", code="not-supported", hint="target: {type: integratorio}")
        loaded = validate_paths(resolve_paths((), config))
        declared = {a.split(".", 1)[1] for a in loaded.addresses if a.startswith("connection.")}
        with open_project_store(config, workspace, missing_ok=True) as store:
            managed = {str(r.target_outputs.get("remote_id")) for r in store.snapshot().records.values()}
        docs = target.remote_documents()
        agents = {i: slug(n, i) for i, n in target.agent_names().items()} if any(d.get("_agentId") for d in docs) \
            else {}
        chosen, unknown = select(docs, names, managed, declared)
        if unknown:
            raise ConfigError(f"no unmanaged Magento 2 connection named {', '.join(unknown)} in integrator.io",
                              code="unknown-record", hint="name a connection by its integrator.io name or _id")
    finally:
        target.close()
    directory = out or (config.paths[0] if config.paths else config.root / "connections")
    planned = [(name, doc, directory / f"{name}.yaml") for name, doc in chosen]
    for _, _, path in planned:
        if path.exists() or path.is_symlink():
            raise ProvisionerError(f"{path} exists: import never overwrites a file (nothing was written)",
                                   code="import-exists", hint="move it away, or import into another directory")
    sops, sops_config = project_sops(config), config.root / ".sops.yaml"
    texts = [(name, path, sops.encrypt(_yaml(declaration(doc, name, agents), schema_ref(config.root, directory,
                                                                                        "connection")),
                                       filename=path, config=sops_config if sops_config.is_file() else None,
                                       cwd=config.root)) for name, doc, path in planned]
    result = ImportResult()
    if texts:
        directory.mkdir(parents=True, exist_ok=True)
    for name, path, text in texts:
        _create(path, text)
        result.written.append(Imported(f"connection.{name}", _shown(path, config.root)))
    if texts:
        result.notes.append("the secrets are placeholders (SET-THIS-SECRET): set them with "
                            "`provisioner secrets edit FILE`, then plan")
    return result
