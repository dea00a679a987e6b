"""The benchmark report's 10,000-connection verdict: memory against the ceiling, and linear or not.

Synthetic series (no timing is measured here): the report must say "linear" for a cost that grows by
the same amount a connection, "faster than linear" for one that does not, and name a stage over 300 MB.
"""

from __future__ import annotations

from benchmarks.harness.measure import Sample, Series
from benchmarks.harness.report import scale
from benchmarks.harness.stages import StageResult


def _result(stage: str, n: int, seconds: float, mb: float = 100.0) -> StageResult:
    series = Series((Sample(seconds, mb),))
    return StageResult(stage, n, series, series, "floor", target=None)


def _rows(text: str) -> dict[str, str]:
    return {line.split(" | ")[0].lstrip("| "): line for line in text.splitlines() if line.startswith("| ")}


def test_linear_quadratic_and_constant_stages_are_told_apart() -> None:
    results = [_result("apply", n, 0.5 + 0.03 * n) for n in (100, 1_000, 10_000)]
    results += [_result("quadratic", n, 1e-6 * n * n, mb=340) for n in (100, 1_000, 10_000)]
    results += [_result("start-up", n, 0.1) for n in (100, 1_000, 10_000)]
    text = scale(results)
    rows = _rows(text)
    assert rows["apply"].endswith("| 1.00 | linear |")
    assert rows["quadratic"].endswith("| faster than linear |")
    assert rows["start-up"].endswith("| constant |")
    assert "Every stage completed at N = 10,000" in text and "over 300 MB: quadratic 340 MB" in text


def test_without_the_big_size_it_says_it_was_not_measured() -> None:
    assert scale([_result("apply", n, 1.0) for n in (10, 100)]).startswith("Not measured in this run")
