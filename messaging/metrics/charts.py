"""Geometry of the dashboard's two charts, drawn by the template as inline SVG.

Only numbers, dates and translated labels reach the SVG; the template escapes them like any
other text. No chart library and nothing loaded from elsewhere.
"""

from dataclasses import dataclass, field
from itertools import pairwise
from math import ceil

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import core
from .selectors import Breakdown

WIDTH, HEIGHT = 760, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 52, 14, 34


@dataclass
class Point:
    x: float
    y: float
    title: str


@dataclass
class Tick:
    position: float
    label: str


@dataclass
class TrendChart:
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM
    pct_lines: list[str] = field(default_factory=list)  # polyline "x,y x,y" runs
    pct_points: list[Point] = field(default_factory=list)
    avg_lines: list[str] = field(default_factory=list)
    avg_points: list[Point] = field(default_factory=list)
    left_ticks: list[Tick] = field(default_factory=list)
    right_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    has_data: bool = False


def _nice_ceiling(value: float) -> int:
    for step in (1, 2, 4, 6, 12, 24, 48, 72, 96, 168):
        if value <= step:
            return step
    return int(ceil(value / 24.0) * 24)


def _runs(points: list[Point | None]) -> list[str]:
    """Polylines through consecutive days that have a value (gaps stay gaps)."""
    runs, current = [], []
    for point in [*points, None]:
        if point is None:
            if len(current) > 1:
                runs.append(" ".join(f"{p.x:.1f},{p.y:.1f}" for p in current))
            current = []
        else:
            current.append(point)
    return runs


def trend_chart(days: list[Breakdown]) -> TrendChart:
    """% within 24 hours (left axis) and average response time in hours (right axis), per day."""
    chart = TrendChart()
    if not days:
        return chart
    span_x = chart.plot_right - chart.plot_left
    span_y = chart.plot_bottom - chart.plot_top
    step = span_x / max(1, len(days) - 1)
    averages = [d.metrics.avg_response_seconds for d in days]
    top_hours = _nice_ceiling(max((a for a in averages if a is not None), default=0) / 3600)
    pct: list[Point | None] = []
    avg: list[Point | None] = []
    for index, day in enumerate(days):
        x = chart.plot_left + (index * step if len(days) > 1 else span_x / 2)
        label = date_format(day.key, "SHORT_DATE_FORMAT")
        m = day.metrics
        if m.pct_within_24h is not None:
            y = chart.plot_bottom - span_y * m.pct_within_24h / 100
            title = _("%(day)s: %(pct)s%% within 24 h") % {"day": label, "pct": m.pct_within_24h}
            pct.append(Point(x, y, title))
        else:
            pct.append(None)
        if m.avg_response_seconds is not None:
            hours = m.avg_response_seconds / 3600
            y = chart.plot_bottom - span_y * hours / top_hours
            title = _("%(day)s: average %(hours)s h") % {"day": label, "hours": f"{hours:.1f}"}
            avg.append(Point(x, y, title))
        else:
            avg.append(None)
    chart.pct_points = [p for p in pct if p]
    chart.avg_points = [p for p in avg if p]
    chart.pct_lines, chart.avg_lines = _runs(pct), _runs(avg)
    chart.has_data = bool(chart.pct_points or chart.avg_points)
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        y = chart.plot_bottom - span_y * fraction
        chart.left_ticks.append(Tick(y, f"{int(fraction * 100)}%"))
        chart.right_ticks.append(Tick(y, f"{top_hours * fraction:g} h"))
    every = max(1, ceil(len(days) / 8))
    for index in range(0, len(days), every):
        x = chart.plot_left + (index * step if len(days) > 1 else span_x / 2)
        chart.x_ticks.append(Tick(x, date_format(days[index].key, "M j")))
    return chart


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    label: str
    late: bool


@dataclass
class Histogram:
    width: int = WIDTH
    height: int = 200
    baseline: int = 200 - BOTTOM
    bars: list[Bar] = field(default_factory=list)
    has_data: bool = False


def histogram_labels() -> list[str]:
    edges = core.HISTOGRAM_EDGES_HOURS
    labels = [_("up to %(h)s h") % {"h": edges[0]}]
    labels += [_("%(a)s to %(b)s h") % {"a": low, "b": high} for low, high in pairwise(edges)]
    labels.append(_("over %(h)s h") % {"h": edges[-1]})
    return labels


def histogram(counts: list[int]) -> Histogram:
    chart = Histogram()
    labels = histogram_labels()
    top = max(counts, default=0)
    chart.has_data = top > 0
    slot = (chart.width - 2 * LEFT) / len(counts)
    span = chart.baseline - TOP
    for index, count in enumerate(counts):
        height = span * count / top if top else 0
        chart.bars.append(
            Bar(
                x=LEFT + index * slot + slot * 0.1,
                y=chart.baseline - height,
                width=slot * 0.8,
                height=height,
                count=count,
                label=labels[index],
                late=core.HISTOGRAM_EDGES_SECONDS[index - 1] >= core.RESPONSE_WINDOW_SECONDS
                if index
                else False,
            )
        )
    return chart
