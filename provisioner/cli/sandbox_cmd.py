"""``provisioner sandbox``: serve a local Magento 2 REST stand-in until SIGINT or SIGTERM."""

from __future__ import annotations

import ipaddress
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from provisioner.applications.magento2.base_uri import STORE_CODE
from provisioner.cli import view
from provisioner.cli.options import format_option
from provisioner.cli.root import app
from provisioner.render.formats import OutputFormat
from provisioner.render.sandbox import log_to_stderr, print_ready, print_warning
from provisioner.sandbox import Front, MagentoVersion, Sandbox, SandboxConfig, load_integrations


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _store_codes(text: str) -> tuple[str, ...]:
    codes = tuple(c.strip() for c in text.split(",") if c.strip())
    bad = [c for c in codes if not STORE_CODE.match(c)]
    if bad or not codes:
        raise typer.BadParameter("store codes are letters, digits and _, starting with a letter (e.g. default,de)",
                                 param_hint="--store-codes")
    return codes


@app.command("sandbox")
def sandbox_command(
    *,
    integrations: Annotated[Path, typer.Option(
        "--integrations", metavar="FILE", help="YAML file of integrations (docs/sandbox.md).")],
    host: Annotated[str, typer.Option("--host", metavar="ADDRESS", help="Address to bind; loopback by default.")] = (
        "127.0.0.1"),
    port: Annotated[int, typer.Option(
        "--port", metavar="PORT", min=0, max=65535, help="Port; 0 picks a free one (printed).")] = 0,
    magento: Annotated[MagentoVersion, typer.Option(
        "--magento", metavar="|".join(v.value for v in MagentoVersion),
        help="Behave like Magento 2.4.4+ (HMAC-SHA256 only) or 2.4.3; 'any' accepts all seven signature methods "
             "and is NOT a real Magento (for testing this tool).")] = MagentoVersion.V2_4_4,
    strict_parameters: Annotated[bool, typer.Option(
        "--strict-parameters/--rfc-parameters",
        help="Verify signatures over the query and path as Magento reads them (the default), or as RFC 5849 "
             "does (accepts ping paths a real store refuses).")] = True,
    store_codes: Annotated[str, typer.Option(
        "--store-codes", metavar="CODE,...", help="Store codes /rest/<code>/V1/... routes to (and 'all').")] = (
        "default"),
    tls: Annotated[bool, typer.Option("--tls", help="Serve HTTPS with a generated CA (its file is printed).")] = False,
    tls_dir: Annotated[Path | None, typer.Option(
        "--tls-dir", metavar="DIR", help="Where to write the CA and certificate.")] = None,
    latency_ms: Annotated[int, typer.Option(
        "--latency-ms", metavar="MS", min=0, help="Delay every answer by this many ms.")] = 0,
    strip_authorization: Annotated[bool, typer.Option(
        "--strip-authorization", help="Drop the Authorization header before Magento (Apache/FastCGI).")] = False,
    front: Annotated[Front | None, typer.Option(
        "--front", metavar="basic-auth|waf", help="Refuse every request as basic auth or a firewall would.")] = None,
    clock_offset: Annotated[float, typer.Option(
        "--clock-offset", metavar="SECONDS", help="The store's clock minus this machine's (negative: behind).")] = 0.0,
    nonce_storage_fails: Annotated[bool, typer.Option(
        "--nonce-storage-fails", help="Fail every nonce check, as a broken oauth_nonce table does.")] = False,
    fmt: Annotated[OutputFormat, format_option(OutputFormat.HUMAN, what="; the lines of docs/sandbox.md")] = (
        OutputFormat.HUMAN),
) -> None:
    """Serve a Magento 2-shaped REST API that verifies OAuth 1.0 signatures (for tests and CI)."""
    view.choose(fmt)
    loaded = load_integrations(integrations)
    if not _is_loopback(host):
        print_warning(f"binding {host}: the sandbox is meant for loopback; anyone who can reach it can use it")
    config = SandboxConfig(
        integrations=loaded.integrations, magento=magento, host=host, port=port, tls=tls, tls_dir=tls_dir,
        latency_ms=latency_ms, faults=loaded.faults, strip_authorization=strip_authorization, front=front,
        clock_offset_seconds=clock_offset, nonce_storage_fails=nonce_storage_fails,
        strict_parameters=strict_parameters, store_codes=_store_codes(store_codes),
    )
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log_to_stderr()
    sandbox = Sandbox(config).start()
    try:
        print_ready(sandbox, len(loaded.integrations))
        while not stop.wait(0.5):
            pass
    finally:
        sandbox.stop()
