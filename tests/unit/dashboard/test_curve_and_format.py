"""The server-drawn equity curve and the page's number formats."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from courtside.dashboard.curve import HEIGHT, PAD_BOTTOM, PAD_TOP, Point, axes, equity_svg
from courtside.dashboard.format import ago, duration, money, pct, signed

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
NS = {"s": "http://www.w3.org/2000/svg"}


def _paths(svg: str) -> list[str]:
    return [p.attrib["d"] for p in ET.fromstring(svg).iterfind(".//s:path", NS)]


def test_the_curve_is_valid_svg_scaled_to_the_page_width() -> None:
    points = [
        Point(T0 + timedelta(hours=i), Decimal(1000 + 10 * i), Decimal(1000 + 10 * i)) for i in range(5)
    ]
    svg = equity_svg(points)
    root = ET.fromstring(svg)
    assert root.attrib["width"] == "100%"
    assert root.attrib["viewBox"] == "0 0 640 200"
    drawn = axes(points)
    assert drawn is not None
    assert (drawn.first, drawn.last) == ("2026-03-01 12:00", "2026-03-01 16:00 UTC")
    assert drawn.low.startswith("$99")  # 1000..1040 and a margin
    assert drawn.high.startswith("$1,04")


def test_rising_equity_goes_up_the_page_and_a_drawdown_is_below_the_mark() -> None:
    values = [1000, 1100, 900]
    peaks = [1000, 1100, 1100]
    points = [
        Point(T0 + timedelta(hours=i), Decimal(v), Decimal(p))
        for i, (v, p) in enumerate(zip(values, peaks, strict=True))
    ]
    shade, peak, equity = _paths(equity_svg(points))
    steps = [float(y) for y in re.findall(r"[ML][\d.]+,([\d.]+)", equity)]
    ys = steps[::2]  # each measurement, held until the next: first, then (held, new) per point
    assert ys[1] < ys[0] < ys[2]  # SVG y grows downwards: 1100 above 1000 above 900
    assert all(PAD_TOP <= y <= HEIGHT - PAD_BOTTOM for y in ys)
    peak_ys = [float(y) for y in re.findall(r"[ML][\d.]+,([\d.]+)", peak)]
    assert peak_ys[-1] < ys[-1]  # the mark stays above the fallen equity
    assert shade.endswith("Z")


def test_no_points_says_so_and_one_point_still_draws() -> None:
    assert "no equity measured yet" in equity_svg([])
    one = equity_svg([Point(T0, Decimal(500), Decimal(500))])
    assert len(_paths(one)) == 3


def test_text_in_the_curve_is_escaped() -> None:
    svg = equity_svg([], title='<script>alert("x")</script>')
    assert "<script>" not in svg


def test_money_and_durations() -> None:
    assert money(Decimal("1234.5")) == "$1,234.50"
    assert money(Decimal("-3.2")) == "-$3.20"
    assert signed(Decimal("2")) == "+$2.00"
    assert signed(Decimal("0")) == "$0.00"
    assert money(None) == "–"
    assert pct(Decimal("0.0312")) == "3.1%"
    assert duration(45) == "45 s"
    assert duration(600) == "10 m"
    assert duration(3 * 3600 + 300) == "3 h 05 m"
    assert duration(-7200) == "-2 h 00 m"
    assert duration(3 * 86400) == "3 d 0 h"
    assert ago(T0 - timedelta(minutes=4), T0) == "4 m ago"
    assert ago(None, T0) == "never"
