"""sops failures as diagnostics a person can act on: a code, the file, a hint, never a value.

Exit codes (verified against the real binary by tests/integration/secrets/test_sops_failures.py):

| exit | meaning | code |
| --- | --- | --- |
| 128 | no key could decrypt the data key (none found, or the wrong one) | sops.no-key / sops.wrong-key |
| 25 | a value's ciphertext fails authentication (edited by hand) | sops.tampered |
| 51 | MAC mismatch: the file was edited without sops | sops.mac-mismatch |
| 1 + "sops metadata not found" | the file is not encrypted | sops.not-encrypted |
| 100 | no such file | sops.file-missing |
| -1 | timeout (ours) | sops.timeout |
| anything else | sops' own first line, scrubbed | sops.failed |
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from provisioner.diagnostics import Diagnostic, Severity, SourceRange
from provisioner.secrets.scrub import first_line
from provisioner.secrets.sops import SopsFailure

KEY_HINT = (
    "provide the matching age identity: export SOPS_AGE_KEY_FILE=/path/to/key.agekey "
    "(or SOPS_AGE_KEY=<identity>, e.g. from a CI secret)"
)


def file_recipients(path: Path) -> list[str]:
    """Who a sops file is encrypted for, read from its clear-text ``sops`` metadata (all documents)."""
    try:
        documents = list(YAML(typ="safe").load_all(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, YAMLError):
        return []
    found: list[str] = []
    for doc in documents:
        meta: Any = doc.get("sops") if isinstance(doc, dict) else None
        if not isinstance(meta, dict):
            continue
        for kind, field in (("age", "recipient"), ("pgp", "fp"), ("kms", "arn"), ("gcp_kms", "resource_id"),
                            ("azure_kv", "vaultUrl"), ("hc_vault", "vault_address")):
            entries = meta.get(kind)
            for entry in entries if isinstance(entries, list) else []:
                value = entry.get(field) if isinstance(entry, dict) else None
                label = str(value) if kind == "age" else f"{kind}:{value}"
                if value and label not in found:
                    found.append(label)
    return found


def _no_key(failure: SopsFailure, source: SourceRange) -> Diagnostic:
    recipients = file_recipients(failure.file)
    encrypted_for = f"it is encrypted for {', '.join(recipients)}" if recipients else "no recipients are listed"
    if "did not match" in failure.stderr or "no identity matched" in failure.stderr:
        return Diagnostic(
            Severity.ERROR, "sops.wrong-key",
            f"cannot decrypt {source.file}: the age key provided does not match the file's recipients",
            f"{encrypted_for}; {KEY_HINT}", source,
        )
    return Diagnostic(
        Severity.ERROR, "sops.no-key",
        f"cannot decrypt {source.file}: no age key was found", f"{encrypted_for}; {KEY_HINT}", source,
    )


def failure_diagnostic(failure: SopsFailure, display: str | None = None) -> Diagnostic:
    """The diagnostic for one failed decryption; ``display`` is the file name to show (default: the path)."""
    source = SourceRange(display or str(failure.file))
    name = source.file
    code = failure.exit_code
    if code == 128:
        return _no_key(failure, source)
    if code == 25:
        return Diagnostic(
            Severity.ERROR, "sops.tampered",
            f"a secret value in {name} fails authentication: its ciphertext was altered",
            f"restore the file from Git, or set the value again with `sops edit {name}`", source,
        )
    if code == 51:
        return Diagnostic(
            Severity.ERROR, "sops.mac-mismatch", f"{name} was changed without sops (MAC mismatch)",
            f"revert the manual edit, or make it with `sops edit {name}`; with `mac_only_encrypted: true` in "
            ".sops.yaml only secret values are covered by the MAC, so plain fields stay editable",
            source,
        )
    if code == 100:
        return Diagnostic(
            Severity.ERROR, "sops.file-missing", f"{name} does not exist", "check the path and the working directory",
            source,
        )
    if code == 1 and "sops metadata not found" in failure.stderr:
        return Diagnostic(
            Severity.ERROR, "sops.not-encrypted", f"{name} is not SOPS-encrypted",
            f"encrypt it in place: sops encrypt --in-place {name} (.sops.yaml selects the secret fields)", source,
        )
    if code == -1:
        return Diagnostic(
            Severity.ERROR, "sops.timeout", f"sops did not finish decrypting {name} in time",
            "a key service or KMS may be unreachable", source,
        )
    return Diagnostic(
        Severity.ERROR, "sops.failed", f"sops could not decrypt {name} (exit {code}): {first_line(failure.stderr)}",
        "run `sops decrypt` on the file for details", source,
    )
