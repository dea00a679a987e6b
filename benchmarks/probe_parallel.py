"""200 connection tests at parallelism 16 against the sandbox with 50 ms injected latency.

Compares, in one run and against one sandbox: the probe (signed, classified, pooled
sessions), the floor (the same 200 GETs with plain requests in a thread pool, no signing)
and the ideal 200 x 50 ms / 16 = 625 ms. Not a test: run it, read the numbers.

    .venv/bin/python benchmarks/probe_parallel.py [--connections 200] [--parallelism 16] [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from provisioner.commands.probe import run_probes
from provisioner.sandbox import MagentoVersion, SandboxConfig, running_sandbox
from tests.support.magento import Creds, connection


def floor(url: str, count: int, parallelism: int) -> float:
    session = requests.Session()
    adapter = HTTPAdapter(pool_maxsize=parallelism)
    session.mount("http://", adapter)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallelism) as pool:
        statuses = list(pool.map(lambda _: session.get(url, timeout=30).status_code, range(count)))
    elapsed = (time.perf_counter() - started) * 1000
    assert all(s == 401 for s in statuses), statuses[:3]  # unsigned: Magento's not-authorized answer
    session.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--parallelism", type=int, default=16)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--method", default="HMAC-SHA256")
    args = parser.parse_args()

    creds = Creds.fresh()
    config = SandboxConfig((creds.integration(),), magento=MagentoVersion.ANY, latency_ms=args.latency_ms)
    ideal = args.connections * args.latency_ms / args.parallelism
    with running_sandbox(config) as sb:
        conns = [connection(f"shop-{i:03d}", sb.base_uri, creds, args.method) for i in range(args.connections)]
        url = sb.base_uri + "/V1/store/storeConfigs"
        probe_ms, floor_ms = [], []
        for _ in range(args.rounds):
            floor_ms.append(floor(url, args.connections, args.parallelism))
            report = run_probes(conns, parallelism=args.parallelism)
            assert report.ok, [r for r in report.results if not r.ok][:1]
            probe_ms.append(report.elapsed_ms)
    per_test = statistics.median(r.elapsed_ms for r in report.results)
    print(f"{args.connections} connections, parallelism {args.parallelism}, {args.latency_ms} ms injected latency, "
          f"{args.method}, {args.rounds} rounds (median shown; min..max)")
    print(f"  ideal  {ideal:7.0f} ms   (connections x latency / parallelism)")
    print(f"  floor  {statistics.median(floor_ms):7.0f} ms   ({min(floor_ms):.0f}..{max(floor_ms):.0f}; "
          "plain requests + thread pool, unsigned)")
    print(f"  probe  {statistics.median(probe_ms):7.0f} ms   ({min(probe_ms):.0f}..{max(probe_ms):.0f}; "
          f"provisioner test seam: sign, GET, classify)  = {statistics.median(probe_ms) / ideal:.2f} x ideal")
    print(f"  one probe, median of the last round: {per_test:.1f} ms")


if __name__ == "__main__":
    main()
