"""The commands of the root CLI, by name: the module that defines each and its one-line help.

The root app imports a command's module only when that command runs (or its help is shown), so
``provisioner --help`` and each command pay only for what they use. A new command is one line here;
``tests/e2e/cli/test_lazy_help.py`` fails while a line is missing or its summary differs from the
command's own docstring (the first paragraph, as ``--help`` of the root shortens it).
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    module: str  # under provisioner.cli
    summary: str  # the first paragraph of the command's help


# In the order the root's --help lists them (the order the eager app registered them in).
COMMANDS: dict[str, Entry] = {
    "apply": Entry("apply_cmd", "Test each changed connection, then commit it to the state; a failed test commits "
                   "nothing."),
    "call": Entry("call_cmd", "Send one signed request as connection NAME and print the answer; exit 0 for 2xx, "
                  "1 otherwise."),
    "drift": Entry("drift_cmd", "Compare files, state, live systems and the remote side; record the result. "
                   "Needs no SOPS key."),
    "import": Entry("import_cmd", "Write declarations (secrets encrypted by sops) for applied records no file "
                    "declares; never overwrites."),
    "init": Entry("init_cmd", "Create provisioner.yaml, .sops.yaml, an age key and an encrypted example "
                  "connection; overwrite nothing."),
    "plan": Entry("plan_cmd", "Compare the declarations with the state and show what apply would change. Never "
                  "shows a secret."),
    "test": Entry("probe_cmd", "Test connections: a signed GET of each ping path; exit 1 if any fails."),
    "sandbox": Entry("sandbox_cmd", "Serve a Magento 2-shaped REST API that verifies OAuth 1.0 signatures (for "
                     "tests and CI)."),
    "show": Entry("show_cmd", "Show a saved plan as `plan` did, with a banner when it is stale (not an error: "
                  "exit 0)."),
    "validate": Entry("validate_cmd", "Check declarations against the JSON Schemas and the cross-file rules; no "
                      "key needed."),
    "schema": Entry("validate_cmd", "Print or write the JSON Schemas of the declarations and of provisioner.yaml "
                    "(for editors and other tools)."),
    "secrets": Entry("secrets_cmd", "Edit, re-key, rotate and encrypt SOPS files with the bundled sops: no PATH, "
                     "no export."),
    "state": Entry("state_cmd", "Inspect and repair the state: records, history, locks, key."),
}
