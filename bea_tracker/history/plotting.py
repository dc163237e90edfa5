"""Charts of one indicator: every estimate of each period, marked by kind of estimate.

:func:`build_series` turns stored statements into plain points (pure, unit-tested); the
renderers draw them: :func:`render_png` with matplotlib's Agg canvas (no display, no
pyplot global state), :func:`render_terminal` with plotext. Both libraries are the
optional ``plot`` extra and are imported only when a chart is drawn.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from bea_tracker.errors import PlotUnavailable

logger = logging.getLogger(__name__)

SOURCE_LINE = "Source: U.S. Bureau of Economic Analysis, via bea-tracker"
INSTALL_HINT = "pip install 'bea-tracker[plot]'"

UNIT_LABELS = {
    "percent_saar": "Percent change at a seasonally adjusted annual rate",
    "percent": "Percent change from the previous period",
    "percent_yoy": "Percent change from a year earlier",
    "percent_level": "Percent",
    "usd_billions": "Billions of dollars",
    "usd_trillions": "Trillions of dollars",
}

# (label, matplotlib marker, colour, plotext marker), in the order BEA publishes them
ESTIMATE_STYLES: dict[str, tuple[str, str, str, str]] = {
    "advance": ("Advance", "o", "#1f77b4", "dot"),
    "second": ("Second", "s", "#ff7f0e", "sd"),
    "third": ("Third", "^", "#2ca02c", "hd"),
    "annual_update": ("Annual update", "D", "#9467bd", "fhd"),
    "revised": ("Revised (in a later release)", "x", "#d62728", "x"),
    "other": ("Other", "+", "#7f7f7f", "+"),
}

AXIS_LABELS = {
    "percent_saar": "% (annual rate)",
    "percent": "% change",
    "percent_yoy": "% change from a year earlier",
    "percent_level": "%",
    "usd_billions": "$ billions",
    "usd_trillions": "$ trillions",
}

_LINE_MARKERS = ("x", "+")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CHANGE_UNITS = ("percent_saar", "percent", "percent_yoy")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def period_start(period: str) -> date | None:
    """First day of a BEA period: 2026Q2 -> 2026-04-01, 2026-07 -> 2026-07-01, 2026 -> Jan 1."""
    if match := _QUARTER.match(period):
        return date(int(match[1]), 3 * int(match[2]) - 2, 1)
    if match := _MONTH.match(period):
        month = int(match[2])
        return date(int(match[1]), month, 1) if 1 <= month <= 12 else None
    if match := _YEAR.match(period):
        return date(int(match[1]), 1, 1)
    return None


@dataclass(frozen=True)
class Point:
    period: str
    when: date
    value: float
    estimate: str  # a key of ESTIMATE_STYLES


@dataclass(frozen=True)
class Series:
    """What a chart shows: every statement as a point, and the latest value per period."""

    indicator: str
    label: str
    unit: str
    points: tuple[Point, ...]
    latest: tuple[Point, ...]
    other_units: tuple[str, ...] = ()

    @property
    def unit_label(self) -> str:
        return UNIT_LABELS.get(self.unit, self.unit)

    @property
    def estimates(self) -> list[str]:
        present = {p.estimate for p in self.points}
        return [key for key in ESTIMATE_STYLES if key in present]


def build_series(indicator: str, statements: Iterable[Any], since: date | None = None,
                 unit: str | None = None) -> Series | None:
    """Points from figure statements (``db.queries.StatedFigure``s), taken oldest first.

    A later release's restatement of a period is stored as a ``revised`` figure of it
    (``db.store.restatements``), so it arrives here like any other statement. Only
    one unit is drawn: ``unit`` if given, else the unit of the newest statement. Periods
    before ``since`` are left out. None when nothing is left to draw.
    """
    stated: list[tuple[str, float, str, str, str]] = []
    for row in sorted(statements, key=_stated_when):
        fig = row.figure
        stated.append((fig.period, fig.value, fig.estimate or "other", fig.unit, fig.label))
    if not stated:
        return None
    units = Counter(s[3] for s in stated)
    chosen_unit = unit or stated[-1][3]
    points: dict[Point, None] = {}  # ordered set: a restated identical value is one point
    latest: dict[str, Point] = {}
    label = indicator
    for period, value, estimate, this_unit, this_label in stated:
        when = period_start(period)
        if this_unit != chosen_unit or when is None or (since and when < since):
            continue
        estimate = estimate if estimate in ESTIMATE_STYLES else "other"
        point = Point(period, when, value, estimate)
        points[point] = None
        latest[period] = point
        label = this_label
    if not points:
        return None
    return Series(indicator, label, chosen_unit, tuple(points),
                  tuple(sorted(latest.values(), key=lambda p: p.when)),
                  tuple(sorted(u for u in units if u != chosen_unit)))


def _stated_when(row: Any) -> tuple[Any, Any]:
    return (row.released_at or row.fetched_at, row.fetched_at)


def last_periods(series: Series, count: int) -> Series:
    """Only the newest ``count`` periods of ``series`` (every estimate of each kept)."""
    keep = {p.period for p in series.latest[-count:]}
    return replace(series, points=tuple(p for p in series.points if p.period in keep),
                   latest=tuple(p for p in series.latest if p.period in keep))


def render_png(series: Series, out: Path, width: int = 1200, height: int = 675,
               dpi: int = 100) -> Path:
    """Draw ``series`` into a PNG of exactly ``width`` x ``height`` pixels."""
    figure = _figure(series, width, height, dpi)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, format="png", dpi=dpi)
    logger.info("wrote %s (%dx%d)", out, width, height)
    return out


def render_png_bytes(series: Series, width: int = 640, height: int = 320, dpi: int = 100,
                     highlight: Point | None = None) -> bytes:
    """The PNG as bytes (for an e-mail), ``highlight`` drawn as this release's estimate."""
    buffer = io.BytesIO()
    _figure(series, width, height, dpi, highlight).savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _figure(series: Series, width: int, height: int, dpi: int,
            highlight: Point | None = None) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise PlotUnavailable(f"matplotlib is not installed ({INSTALL_HINT})") from exc
    figure = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    title = f"{series.label} ({series.indicator})"
    if height < 500:  # e-mail size: one title line (the axis label says the unit)
        axes = figure.add_axes((0.1, 0.16, 0.84, 0.72))
        _draw(axes, series, highlight)
        figure.suptitle(title, x=0.1, y=0.98, ha="left", va="top", fontsize=11,
                        fontweight="bold")
        figure.text(0.1, 0.015, SOURCE_LINE, ha="left", fontsize=7, color="#555555")
        return figure
    axes = figure.add_axes((0.08, 0.17, 0.88, 0.7))
    _draw(axes, series, highlight)
    figure.suptitle(title, x=0.08, y=0.97, ha="left", fontsize=14, fontweight="bold")
    figure.text(0.08, 0.9, series.unit_label, ha="left", fontsize=10, color="#444444")
    figure.text(0.08, 0.03, SOURCE_LINE, ha="left", fontsize=8, color="#555555")
    return figure


def _draw(axes: Any, series: Series, highlight: Point | None = None) -> None:
    latest = series.latest
    axes.plot([p.when for p in latest], [p.value for p in latest], color="#999999",
              linewidth=1.5, zorder=1, label="Latest estimate")
    for rank, key in enumerate(series.estimates):
        label, marker, colour, _ = ESTIMATE_STYLES[key]
        mine = [p for p in series.points if p.estimate == key]
        # hollow shapes, earlier estimates larger: equal values stay visible together
        paint = ({"color": colour} if marker in _LINE_MARKERS
                 else {"facecolors": "none", "edgecolors": colour})
        axes.scatter([p.when for p in mine], [p.value for p in mine], marker=marker,
                     s=max(40, 110 - 18 * rank), linewidths=1.8, zorder=2 + rank,
                     label=label, **paint)
    if highlight is not None:
        axes.scatter([highlight.when], [highlight.value], marker="o", s=160, zorder=20,
                     color="#d62728", edgecolors="#222222", linewidths=1.2,
                     label=f"This estimate ({highlight.period})")
    if series.unit in _CHANGE_UNITS or any(p.value < 0 for p in series.points):
        axes.axhline(0, color="#333333", linewidth=0.8, zorder=0)
    periods = sorted({(p.when, p.period) for p in series.points})
    if len(periods) <= 16:
        axes.set_xticks([when for when, _ in periods], [name for _, name in periods])
    else:
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

        locator = AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    if len(periods) == 1:
        when = periods[0][0]
        axes.set_xlim(date(when.year - 1, when.month, 1), date(when.year + 1, when.month, 1))
    axes.set_ylabel(AXIS_LABELS.get(series.unit, series.unit), fontsize=9)
    axes.grid(True, axis="y", color="#e5e5e5")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="best", fontsize=8, frameon=False)


def render_terminal(series: Series, width: int = 100, height: int = 28,
                    color: bool = True) -> str:
    """The chart as text for a terminal (plotext), with the same markers per estimate."""
    try:
        import plotext as plt
    except ImportError as exc:
        raise PlotUnavailable(f"plotext is not installed ({INSTALL_HINT})") from exc
    periods = sorted({(p.when, p.period) for p in series.points})
    index = {name: i for i, (_, name) in enumerate(periods)}
    plt.clear_figure()
    plt.plotsize(width, height)
    if not color:
        plt.theme("clear")
    plt.plot([index[p.period] for p in series.latest], [p.value for p in series.latest],
             label="latest estimate")
    for key in series.estimates:
        label, _, _, marker = ESTIMATE_STYLES[key]
        mine = [p for p in series.points if p.estimate == key]
        plt.scatter([index[p.period] for p in mine], [p.value for p in mine],
                    marker=marker, label=label)
    step = max(1, len(periods) // 10)
    ticks = list(range(0, len(periods), step))
    plt.xticks(ticks, [periods[i][1] for i in ticks])
    plt.xlim(-0.5, len(periods) - 0.5)  # room around the first and last period
    low, high = min(p.value for p in series.points), max(p.value for p in series.points)
    span = (high - low) or abs(high) or 1.0
    plt.ylim(low - 0.1 * span, high + 0.4 * span)  # room for the legend at the top
    plt.title(f"{series.label} ({series.indicator}): {series.unit_label}")
    text = plt.build()
    plt.clear_figure()
    if not color:
        text = _ANSI.sub("", text)
    return f"{text}\n{SOURCE_LINE}\n"
