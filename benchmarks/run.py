"""Issue 16's benchmark: every stage of the tool beside its floor, at N connections.

    .venv/bin/python benchmarks/run.py                       # N = 10, 100, 1000; 3 rounds; 50 ms latency
    .venv/bin/python benchmarks/run.py --sizes 10,100,1000,10000   # with the big size (one round there: ~20 min more)
    .venv/bin/python benchmarks/run.py --smoke --out /tmp/b.md   # N = 10, 1 round (CI keeps it working)

Generates a repository per N (mixed methods, some on-premise behind an agent, secrets sops-encrypted
with a fresh age key), starts the sandbox (Magento "any" mode) and the agent stand-in on loopback in
this process, and prints the table (also written to --out, default docs/benchmarks.md). Not a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.repo import AGENT_HOST, make_repo
from benchmarks.harness.report import BIG, document, load_average, table
from benchmarks.harness.stages import Bench, StageResult
from provisioner.applications.magento2.spec import DEFAULT_PING_PATH
from provisioner.sandbox import MagentoVersion, SandboxConfig, running_sandbox
from provisioner.sandbox.agent_proxy import running_agent_proxy
from tests.support.magento import Creds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000", help="comma-separated N (default 10,100,1000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--big-rounds", type=int, default=1,
                        help="rounds at N >= 10000 (default 1: one round there is about 20 minutes)")
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--smoke", action="store_true", help="N = 10, one round, no latency")
    parser.add_argument("--no-peers", dest="peers", action="store_false",
                        help="skip the peers: check-jsonschema (each N) and Ansible (N = 100), from benchmarks/.peers "
                        "(made on first use; --smoke never runs them)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    sizes = [10] if args.smoke else [int(n) for n in args.sizes.split(",")]
    rounds, latency = (1, 0) if args.smoke else (args.rounds, args.latency_ms)
    peers = args.peers and not args.smoke
    load_before = load_average()
    creds = Creds.fresh("BENCH")
    config = SandboxConfig((creds.integration(),), magento=MagentoVersion.ANY, latency_ms=latency)
    results: list[StageResult] = []
    with running_sandbox(config) as sb:
        port = int(sb.base_uri.rsplit(":", 1)[1].split("/", 1)[0])
        with running_agent_proxy({AGENT_HOST: ("127.0.0.1", port)}) as proxy_url:
            for n in sizes:
                with tempfile.TemporaryDirectory(prefix=f"bench-{n}-") as tmp:
                    repo = make_repo(Path(tmp), n, sb.base_uri, f"http://{AGENT_HOST}:{port}/rest", proxy_url, creds)
                    bench = Bench(repo, sb.base_uri + DEFAULT_PING_PATH, args.big_rounds if n >= BIG else rounds,
                                  Path(tmp))
                    found = bench.all_stages() + (bench.peer_stages() if peers else [])
                    print(table(found), flush=True)
                    results += found
            if peers:
                with tempfile.TemporaryDirectory(prefix="bench-peer-") as tmp:
                    repo = make_repo(Path(tmp), 100, sb.base_uri, sb.base_uri, proxy_url, creds, mixed=False)
                    found = Bench(repo, sb.base_uri + DEFAULT_PING_PATH, rounds, Path(tmp)).peer_stages()
                    print(table(found), flush=True)
                    results += found
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    args.out.write_text(document(results, rounds=rounds, latency_ms=latency, command=command.strip(),
                                 load_before=load_before, out=args.out, big_rounds=args.big_rounds),
                      encoding="utf-8")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
