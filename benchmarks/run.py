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
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.measure import Sample, Series
from benchmarks.harness.repo import AGENT_HOST, make_repo
from benchmarks.harness.report import BIG, document, load_average, machine, table
from benchmarks.harness.stages import Bench, StageResult
from provisioner.applications.magento2.spec import DEFAULT_PING_PATH
from provisioner.sandbox import MagentoVersion, SandboxConfig, running_sandbox
from provisioner.sandbox.agent_proxy import running_agent_proxy
from tests.support.magento import Creds


def result_from(saved: dict[str, Any]) -> StageResult:
    """A ``StageResult`` as ``asdict`` saved it."""
    def series(part: dict[str, Any]) -> Series:
        return Series(tuple(Sample(float(s["seconds"]), float(s["peak_mb"])) for s in part["samples"]))

    return StageResult(**{**saved, "tool": series(saved["tool"]), "floor": series(saved["floor"])})


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
    parser.add_argument("--render", type=Path, metavar="RESULTS_JSON",
                        help="measure nothing: write --out again from a run's results (written beside --out as .json), "
                             "e.g. after editing benchmarks/gaps.md")
    args = parser.parse_args(argv)
    if args.render is not None:
        saved = json.loads(args.render.read_text(encoding="utf-8"))
        args.out.write_text(document([result_from(r) for r in saved["results"]], out=args.out, **saved["meta"]),
                            encoding="utf-8")
        print(f"written: {args.out}")
        return 0
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
    meta = {"rounds": rounds, "latency_ms": latency, "command": command.strip(), "load_before": load_before,
            "big_rounds": args.big_rounds, "load_after": load_average(), "machine_text": machine()}
    args.out.with_suffix(".json").write_text(json.dumps({"meta": meta, "results": [asdict(r) for r in results]},
                                                        indent=1), encoding="utf-8")
    args.out.write_text(document(results, out=args.out, **meta), encoding="utf-8")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
