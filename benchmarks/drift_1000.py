"""``provisioner drift`` over 1,000 applied connections: with and without the live tests.

Builds a project of N connections (sops-encrypted files, applied through the real CLI into a SQLite
state), then times ``drift --no-test`` (files vs state vs integrity: no network, no sops) and
``drift`` (plus a live test of every connection, against the in-process sandbox with injected
latency) through the real CLI, each in its own process, as a scheduled job runs it. Not a test:
run it, read the numbers.

    .venv/bin/python benchmarks/drift_1000.py [--connections 1000] [--parallelism 16] [--latency-ms 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from provisioner.sandbox import MagentoVersion, SandboxConfig, running_sandbox
from tests.support.magento import Creds
from tests.support.project import Project, summary


def timed(project: Project, *args: str) -> float:
    started = time.perf_counter()
    done = project.cli(*args)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise SystemExit(summary(done))
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--parallelism", type=int, default=16)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    creds = Creds.fresh("BENCH")
    config = SandboxConfig((creds.integration(),), magento=MagentoVersion.ANY, latency_ms=args.latency_ms)
    with tempfile.TemporaryDirectory() as tmp, running_sandbox(config) as sb:
        project = Project.create(Path(tmp))
        names = [f"shop-{i:04d}" for i in range(args.connections)]
        started = time.perf_counter()
        project.write_connections(names, sb.base_uri, creds)
        timed(project, "apply", "--auto-approve", "-p", str(args.parallelism))
        print(f"set up {args.connections} connections in {time.perf_counter() - started:.1f} s")
        p = str(args.parallelism)
        offline = [timed(project, "drift", "--no-test", "-p", p) for _ in range(args.rounds)]
        live = [timed(project, "drift", "-p", p) for _ in range(args.rounds)]
        ideal = args.connections * args.latency_ms / args.parallelism
        for label, runs in (("drift --no-test", offline), ("drift (live tests)", live)):
            print(f"{label:<20} median {statistics.median(runs):8.0f} ms  ({min(runs):.0f}..{max(runs):.0f})")
        print(f"ideal for the live tests alone: {args.connections} x {args.latency_ms} ms / {p} = {ideal:.0f} ms")


if __name__ == "__main__":
    main()
