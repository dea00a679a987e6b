"""Run the real CLI as a user would: in a child process (``run_cli``), or in this process (``run_cli_inprocess``).

Both return a ``subprocess.CompletedProcess`` (args, returncode, stdout, stderr), so a test can use either.
In-process runs are much faster (no interpreter start-up, no imports); use them where a child process is
not the point (argument parsing, exit codes, output documents). Where it is (signals, crashes, leases held
by another process, file descriptors), use ``run_cli``.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def cli_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["NO_COLOR"] = "1"
    env.setdefault("COLUMNS", "200")
    if extra:
        env.update(extra)
    return env


def run_cli(
    args: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    input_text: str | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """``provisioner ARGS`` in a child process; returns the completed process (never raises on exit code)."""
    return subprocess.run(
        [sys.executable, "-m", "provisioner", *args],
        cwd=cwd,
        env=cli_env(env),
        input=input_text,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@contextlib.contextmanager
def _restored_process_state(env: Mapping[str, str], cwd: Path | None) -> Iterator[None]:
    """Environment, working directory and signal handlers as given for the block, as before afterwards."""
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    saved_signals = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    os.environ.clear()
    os.environ.update(env)
    try:
        if cwd is not None:
            os.chdir(cwd)
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        for signum, handler in saved_signals.items():
            signal.signal(signum, handler)


def run_cli_inprocess(
    args: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    input_text: str = "",
) -> subprocess.CompletedProcess[str]:
    """``provisioner ARGS`` through ``provisioner.cli.app.main`` in this process, stdout and stderr captured.

    The exit code is the ``SystemExit`` that ``main`` always ends with; the environment (``cli_env(env)``,
    as for ``run_cli``), the working directory and the SIGINT/SIGTERM handlers are restored afterwards.
    stdin is ``input_text`` and not a terminal. What a module caches stays cached between runs (the source
    lines that diagnostics quote, for one): a test that edits a file and validates it again in-process should
    use ``run_cli`` for the second run.
    """
    from provisioner.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = None
    saved_stdin = sys.stdin
    with _restored_process_state(cli_env(env), cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        sys.stdin = io.StringIO(input_text)
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code
        finally:
            sys.stdin = saved_stdin
    returncode = code if isinstance(code, int) else (0 if code is None else 1)
    return subprocess.CompletedProcess(["provisioner", *args], returncode, out.getvalue(), err.getvalue())
