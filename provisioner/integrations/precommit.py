"""The pre-commit hook ``provisioner-no-plaintext-secrets`` (.pre-commit-hooks.yaml).

``python -m provisioner.integrations.precommit FILE...``: runs ``provisioner validate`` on the staged files
pre-commit passes and refuses the commit when any of them holds a secret field in clear text (validate's
``schema.plaintext-secret`` diagnostic: it needs no key). Other validation errors are the business of the
``provisioner-validate`` hook; this one only guards secrets, so it can run on every YAML file of a repository.
"""

from __future__ import annotations

import sys
from pathlib import Path

from provisioner.integrations.command import run_provisioner
from provisioner.integrations.summary import diagnostics_of

PLAINTEXT = "schema.plaintext-secret"


def main(argv: list[str] | None = None) -> int:
    files = list(sys.argv[1:] if argv is None else argv)
    if not files:
        return 0
    run = run_provisioner(["validate", *files], cwd=Path.cwd())
    found = [d for d in diagnostics_of(run.document) if d.get("code") == PLAINTEXT]
    for d in found:
        where = ":".join(str(d[k]) for k in ("file", "line", "column") if d.get(k) is not None)
        sys.stdout.write(f"{where}: {d.get('message')}\n")
    if found:
        hint = found[0].get("hint") or "encrypt the file with sops"
        sys.stdout.write(f"refused: {len(found)} secret field(s) in clear text; {hint}\n")
        return 1
    if run.exit_code not in (0, 1) or (run.error is not None and run.error.get("code") != "invalid-input"):
        message = (run.error or {}).get("message") or f"provisioner validate exited with {run.exit_code}"
        sys.stdout.write(f"could not check for plaintext secrets: {message}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
