"""A hand-rolled SVG line chart (no plotting library): each stage's median against N, both axes logarithmic."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

_W, _H, _L, _R, _T, _B = 760, 420, 70, 230, 20, 50
_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
            "#17becf")


def _ticks(low: float, high: float) -> list[float]:
    return [10.0 ** e for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)]


def _label(seconds: float) -> str:
    return f"{seconds * 1000:g} ms" if seconds < 1 else f"{seconds:g} s"


def growth_svg(series: Mapping[str, Sequence[tuple[int, float]]]) -> str:
    """``series``: stage -> [(N, seconds)]; an SVG document (log N across, log seconds up)."""
    points = [p for line in series.values() for p in line if p[1] > 0]
    if not points:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n'
    xs = _ticks(min(p[0] for p in points), max(p[0] for p in points))
    ys = _ticks(min(p[1] for p in points), max(p[1] for p in points))
    if len(xs) < 2:
        xs = [xs[0], xs[0] * 10]
    if len(ys) < 2:
        ys = [ys[0], ys[0] * 10]

    def x(n: float) -> float:
        return _L + (math.log10(n) - math.log10(xs[0])) / (math.log10(xs[-1]) - math.log10(xs[0])) * (_W - _L - _R)

    def y(s: float) -> float:
        return _H - _B - (math.log10(s) - math.log10(ys[0])) / (math.log10(ys[-1]) - math.log10(ys[0])) * (
            _H - _T - _B)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" font-family="sans-serif" '
           'font-size="12">', f'<rect width="{_W}" height="{_H}" fill="white"/>']
    for n in xs:
        out.append(f'<line x1="{x(n):.1f}" y1="{_T}" x2="{x(n):.1f}" y2="{_H - _B}" stroke="#ddd"/>')
        out.append(f'<text x="{x(n):.1f}" y="{_H - _B + 16}" text-anchor="middle">{n:,.0f}</text>')
    for s in ys:
        out.append(f'<line x1="{_L}" y1="{y(s):.1f}" x2="{_W - _R}" y2="{y(s):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{_L - 6}" y="{y(s) + 4:.1f}" text-anchor="end">{_label(s)}</text>')
    out.append(f'<text x="{(_L + _W - _R) / 2:.0f}" y="{_H - 12}" text-anchor="middle">connections (N)</text>')
    for i, (stage, line) in enumerate(series.items()):
        colour = _COLOURS[i % len(_COLOURS)]
        pts = " ".join(f"{x(n):.1f},{y(s):.1f}" for n, s in line if s > 0)
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out += [f'<circle cx="{x(n):.1f}" cy="{y(s):.1f}" r="3" fill="{colour}"/>' for n, s in line if s > 0]
        ly = _T + 10 + i * 18
        out.append(f'<line x1="{_W - _R + 12}" y1="{ly}" x2="{_W - _R + 32}" y2="{ly}" stroke="{colour}" '
                   'stroke-width="2"/>')
        out.append(f'<text x="{_W - _R + 38}" y="{ly + 4}">{_escape(stage)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
