"""The lazy command registry (``provisioner/cli/registry.py``) changes when modules are imported, not what
the CLI says: every ``--help`` is the same text as the eager app's (every command module imported first,
a plain Typer group), and showing one command's help imports that command's module and no other.

Each side runs in a fresh child process (the point is what a fresh process imports); no timing is asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support.cli import REPO_ROOT, cli_env

# Renders ``--help`` of the root, of every command and of every sub-command; prints {argv: [code, text]} and,
# in lazy mode, the command modules each one imported.
SCRIPT = r"""
import contextlib, importlib, io, json, pkgutil, sys
import provisioner.cli
from provisioner.cli.boundary import run

def command_modules():
    return {m for m in sys.modules if m.startswith("provisioner.cli.") and m.endswith("_cmd")}

def helps(argvs, out):
    for argv in argvs:
        before = command_modules()
        text = io.StringIO()
        with contextlib.redirect_stdout(text):
            code = run([*argv, "--help"])
        out["help"][" ".join(argv)] = [code, text.getvalue()]
        out["imported"][" ".join(argv)] = sorted(command_modules() - before)

def tree():
    import typer.main
    from provisioner.cli.root import app
    root = typer.main.get_command(app)
    found = [[]]
    for name, command in root.commands.items():
        found.append([name])
        found += [[name, sub] for sub in getattr(command, "commands", {})]
    return found

out = {"help": {}, "imported": {}}
if sys.argv[1] == "eager":
    import typer.main
    from typer.core import TyperGroup
    from provisioner.cli import boundary
    from provisioner.cli.lazy import plain_arguments
    from provisioner.cli.root import app
    for info in pkgutil.iter_modules(provisioner.cli.__path__):
        if info.name.endswith("_cmd"):
            importlib.import_module(f"provisioner.cli.{info.name}")
    app.info.cls = TyperGroup  # the eager app: a plain group of every registered command, as before issue 16
    boundary.build_command = lambda: plain_arguments(typer.main.get_command(app))
    argvs = tree()
    out["argvs"] = argvs
    helps(argvs, out)
else:
    helps(json.loads(sys.argv[2]), out)
print(json.dumps(out))
"""


def _render(*args: str) -> dict[str, dict[str, object]]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, *args], cwd=REPO_ROOT, env=cli_env({"COLUMNS": "80"}),
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, dict[str, object]] = json.loads(done.stdout)
    return result


def test_every_help_is_the_eager_apps_and_imports_only_its_own_command() -> None:
    eager = _render("eager")
    argvs = eager["argvs"]
    assert isinstance(argvs, list) and len(argvs) > 20  # root, 13 commands, the sub-commands of secrets and state
    lazy = _render("lazy", json.dumps(argvs))
    assert lazy["help"] == eager["help"]
    assert all(code == 0 for code, _ in eager["help"].values())  # type: ignore[misc]
    imported = lazy["imported"]
    assert imported[""] == []  # the root's --help lists every command from the registry, importing none
    from provisioner.cli.registry import COMMANDS

    for name, entry in COMMANDS.items():
        if imported[name]:  # the first command of a module imports it; a later one (schema) finds it imported
            assert imported[name] == [f"provisioner.cli.{entry.module}"], name
    assert {m for ms in imported.values() for m in ms} == {f"provisioner.cli.{e.module}" for e in COMMANDS.values()}
