"""The equity curve drawn on the server as SVG: no script, no chart library, nothing fetched, and it scales
to the width of a phone (a viewBox, width 100%). Equity and its high-water mark are steps (each holds
until the next scan measures it), the mark dashed above, the drawdown between them shaded; the page
writes the range and the first and last time beside it (`axes`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from html import escape
from itertools import pairwise

WIDTH, HEIGHT = 640, 200
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 4, 8, 8, 8  # the figures are written beside it, in HTML


@dataclass(frozen=True, slots=True)
class Point:
    ts: datetime
    equity: Decimal
    peak: Decimal


def _money(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def _scale(points: Sequence[Point]) -> tuple[float, float, float, float]:
    """(t0, t1, low, high): the time span and the money range, never empty."""
    t0, t1 = points[0].ts.timestamp(), points[-1].ts.timestamp()
    values = [float(v) for p in points for v in (p.equity, p.peak)]
    low, high = min(values), max(values)
    if high - low < 0.01:  # a flat curve: a band of a dollar around it
        low, high = low - 0.5, high + 0.5
    margin = (high - low) * 0.05
    return t0, (t1 if t1 > t0 else t0 + 1.0), low - margin, high + margin


def _xy(points: Sequence[Point], attr: str) -> list[tuple[float, float]]:
    t0, t1, low, high = _scale(points)
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    out = []
    for p in points:
        x = PAD_LEFT + (p.ts.timestamp() - t0) / (t1 - t0) * plot_w
        y = PAD_TOP + (high - float(getattr(p, attr))) / (high - low) * plot_h
        out.append((round(x, 1), round(y, 1)))
    return out


def _path(xy: Sequence[tuple[float, float]], step: bool = False, reverse: bool = False) -> str:
    """An SVG path through the points; `step` holds each value until the next measurement (equity and
    its mark are known only when a scan measures them); `reverse` walks the same steps back."""
    pts: list[tuple[float, float]] = [xy[0]]
    for (_, y0), (x, y) in pairwise(xy):
        pts += [(x, y0), (x, y)] if step else [(x, y)]
    if reverse:
        pts.reverse()
    return "M" + "L".join(f"{x},{y}" for x, y in pts)


@dataclass(frozen=True, slots=True)
class Axes:
    """What the page writes beside the drawing (HTML text stays readable at a phone's width)."""

    high: str
    low: str
    first: str
    last: str


def axes(points: Sequence[Point]) -> Axes | None:
    if not points:
        return None
    _t0, _t1, low, high = _scale(points if len(points) > 1 else [points[0], points[0]])
    return Axes(
        _money(Decimal(str(round(high, 2)))), _money(Decimal(str(round(low, 2)))),
        points[0].ts.strftime("%Y-%m-%d %H:%M"), points[-1].ts.strftime("%Y-%m-%d %H:%M UTC"),
    )  # fmt: skip


def _frame() -> list[str]:
    bottom, right = HEIGHT - PAD_BOTTOM, WIDTH - PAD_RIGHT
    return [
        f'<line x1="{PAD_LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#3a4150"/>',
        f'<line x1="{PAD_LEFT}" y1="{PAD_TOP}" x2="{right}" y2="{PAD_TOP}" stroke="#262c38" '
        'stroke-dasharray="2 4"/>',
    ]


def equity_svg(points: Sequence[Point], *, title: str = "equity at cost and its high-water mark") -> str:
    """The curve as an <svg> element (a string safe to put in a page as is)."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="curve">'
        f"<title>{escape(title)}</title>"
    )
    if not points:
        note = "no equity measured yet: the first scan that places orders records it"
        return (
            f'{head}<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" font-size="18" '
            f'fill="#8a94a6">{escape(note)}</text></svg>'
        )
    pts = list(points) if len(points) > 1 else [points[0], points[0]]
    equity, peak = _xy(pts, "equity"), _xy(pts, "peak")
    shade = _path(peak, step=True) + _path(equity, step=True, reverse=True).replace("M", "L", 1) + "Z"
    last = equity[-1]
    body = [
        *_frame(),
        f'<path d="{shade}" fill="#e5484d" fill-opacity="0.15" stroke="none"/>',
        f'<path d="{_path(peak, step=True)}" fill="none" stroke="#f5a524" stroke-width="1.5" '
        'stroke-dasharray="5 4"/>',
        f'<path d="{_path(equity, step=True)}" fill="none" stroke="#3dd68c" stroke-width="2"/>',
        f'<circle cx="{last[0]}" cy="{last[1]}" r="3" fill="#3dd68c"/>',
    ]
    return head + "".join(body) + "</svg>"
