"""What ``provisioner sandbox`` prints: where it listens (stdout, for scripts) and its access log (stderr)."""

from __future__ import annotations

import logging
import sys

from provisioner.sandbox import Sandbox


def print_ready(sandbox: Sandbox, integrations: int) -> None:
    """Lines a script can read: ``base-uri:``, ``port:``, ``ca-bundle:`` (with --tls), then ``ready``."""
    out = sys.stdout
    out.write(f"base-uri: {sandbox.base_uri}\n")
    out.write(f"port: {sandbox.port}\n")
    if sandbox.ca_file is not None:
        out.write(f"ca-bundle: {sandbox.ca_file}\n")
    out.write(f"ready: {sandbox.config.magento.label} sandbox with {integrations} integration(s); "
              "Ctrl-C to stop\n")
    out.flush()


def log_to_stderr() -> None:
    """The sandbox's access log (method, path, status, consumer key) on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("sandbox: %(message)s"))
    logger = logging.getLogger("provisioner.sandbox")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def print_warning(message: str) -> None:
    sys.stderr.write(f"warning: {message}\n")
    sys.stderr.flush()
