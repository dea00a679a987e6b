"""The benchmark's smoke mode (N = 10, one round) runs in CI so the script keeps working.

It asserts what the script produced — every stage measured beside its floor — never how fast.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("start-up (--help)", "validate (1 file)", "validate", "first plan (all decrypted)", "apply (all creates)",
          "no-op plan", "test --from state", "drift", "plan after 3 files re-encrypted")


def test_the_smoke_run_measures_every_stage_beside_its_floor(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    results = text.split("## Results", 1)[1].split("\n## ", 1)[0]  # the table; growth and targets come after
    rows = {line.split(" | ")[0].lstrip("| "): line for line in results.splitlines()
            if line.startswith("| ") and not line.startswith("| stage") and not line.startswith("| ---")}
    assert sorted(rows) == sorted(STAGES)
    for stage, row in rows.items():
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1] == "10", stage
        assert re.fullmatch(r"\d+(\.\d+)? (ms|s)", cells[2]) and re.fullmatch(r"\d+(\.\d+)? (ms|s)", cells[3]), row
        assert re.fullmatch(r"\d+\.\d\dx", cells[5]), row
        assert float(cells[7]) > 0, row
    assert "## Targets (issue 16)" in text and "## How each cost grows with N" in text
    # the run's results are kept beside the report, and re-render it unchanged (after an edit of gaps.md)
    again = tmp_path / "again.md"
    render = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--render",
                             str(out.with_suffix(".json")), "--out", str(again)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert render.returncode == 0, render.stderr[-3000:]
    assert again.read_text(encoding="utf-8") == text
