"""``provisioner plan``: declarations vs state -> a Plan (never printed here)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from provisioner.commands.workspace import load_valid
from provisioner.config import DEFAULT_PARALLELISM, ProjectConfig
from provisioner.declarations.declaration import Declaration
from provisioner.diagnostics import Diagnostics
from provisioner.errors import InvalidInputError, ProvisionerError
from provisioner.plan.differ import diff
from provisioner.plan.model import Plan
from provisioner.plan.remote import with_remote
from provisioner.secrets.resolve import decrypt_declarations
from provisioner.secrets.verify import project_sops
from provisioner.state import Store
from provisioner.targets import Target, target_for


@dataclass
class PlanRun:
    plan: Plan
    diagnostics: Diagnostics  # warnings only: errors raise InvalidInputError
    declarations: dict[str, Declaration] = field(default_factory=dict)
    decrypted_files: tuple[str, ...] = ()
    files: tuple[Path, ...] = ()


def _check_targets(targets: Sequence[str], declared: set[str], stored: set[str]) -> None:
    known = declared | stored | {a.split(".", 1)[1] for a in declared | stored}
    unknown = [t for t in targets if t not in known]
    if unknown:
        raise ProvisionerError(f"--target names nothing declared or stored: {', '.join(unknown)}",
                               code="unknown-target", hint="use a connection name or an address (connection.NAME)")


def make_plan(
    config: ProjectConfig,
    store: Store,
    *,
    paths: Sequence[Path] = (),
    targets: Sequence[str] = (),
    allow_delete: bool = False,
    parallelism: int = DEFAULT_PARALLELISM,
    target: Target | None = None,
    on_decrypted: Callable[[Declaration], None] | None = None,
) -> PlanRun:
    """Load and validate the files, read the state, decrypt what changed, and diff.

    A target that can be read back (``target``, else provisioner.yaml's) folds in the remote side's changes.
    ``on_decrypted`` sees each declaration as soon as its file is decrypted (apply starts testing it).
    """
    loaded = load_valid(config, paths)
    snapshot = store.snapshot()
    _check_targets(targets, loaded.addresses, set(snapshot.records))
    result = diff(
        loaded.declarations, snapshot, fingerprint=store.fingerprint,
        decrypt=partial(decrypt_declarations, parallelism=parallelism, sops=project_sops(config),
                        on_decrypted=on_decrypted),
        targets=targets, allow_delete=allow_delete, root=config.root,
    )
    plan, unread = result.plan, {}
    if not result.diagnostics.has_errors and snapshot.records:
        reader = target or target_for(config)
        try:
            plan, remote = with_remote(plan, reader, snapshot.records, store.unseal)
            unread = dict(remote.errors)
        finally:
            if target is None:
                reader.close()
    diagnostics = Diagnostics()
    diagnostics.extend(loaded.diagnostics)
    diagnostics.extend(result.diagnostics)
    for address, why in sorted(unread.items()):
        diagnostics.warning("target-unread", f"could not read {address} back from the target: {why}",
                            hint="the plan shows the files against the state only for it")
    for address, why in sorted(snapshot.tampered.items()):  # left out of the snapshot; the rest is planned
        diagnostics.warning("state-tampered", f"record {address} in the state failed its integrity check ({why})",
                            hint=f"inspect it, then `provisioner state quarantine {address}` or "
                                 f"`provisioner state rm {address}`; until then it cannot be applied")
    if diagnostics.has_errors:
        raise InvalidInputError(diagnostics, "cannot plan: the secrets could not be decrypted")
    return PlanRun(plan, diagnostics, result.declarations, result.decrypted_files, tuple(loaded.files))
