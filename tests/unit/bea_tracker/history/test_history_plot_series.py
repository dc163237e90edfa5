"""From stored statements to chart points, and both renderers on a longer series."""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest

from bea_tracker.history.plotting import (
    SOURCE_LINE,
    build_series,
    period_start,
    render_png,
    render_terminal,
)
from db.records import FigureRecord

T0 = datetime(2026, 7, 30, 12, 30, tzinfo=timezone.utc)


@dataclass
class Row:
    """The parts of ``db.queries.StatedFigure`` a chart reads."""

    figure: FigureRecord
    released_at: datetime | None
    fetched_at: datetime


def gdp(period: str, estimate: str | None, value: float, days: int,
        prior: tuple[str, float] | None = None, unit: str = "percent_saar") -> Row:
    when = T0 + timedelta(days=days)
    fig = FigureRecord("real_gdp", "Real GDP", period, estimate, value, unit,
                       prior[1] if prior else None, prior[0] if prior else None)
    return Row(fig, when, when + timedelta(seconds=5))


@pytest.mark.parametrize("period, start", [
    ("2026Q1", date(2026, 1, 1)), ("2026Q4", date(2026, 10, 1)),
    ("2026-07", date(2026, 7, 1)), ("2025", date(2025, 1, 1)),
    ("2026-13", None), ("Q2 2026", None), ("", None),
])
def test_period_start(period, start):
    assert period_start(period) == start


def test_each_statement_is_a_point_and_the_line_follows_the_latest():
    # as db.queries.history returns them: each release's restatement of Q1 is a stored
    # "revised" figure of Q1 (db.store.restatements); given out of order
    rows = [gdp("2026Q2", "second", 1.3, 27, ("2026Q1", 2.1)),
            gdp("2026Q1", "revised", 2.1, 27),
            gdp("2026Q2", "advance", 1.5, 0, ("2026Q1", 2.1)),
            gdp("2026Q1", "revised", 2.1, 0),
            gdp("2026Q1", "third", 2.0, -35)]

    series = build_series("real_gdp", rows)

    assert [(p.period, p.estimate, p.value) for p in series.points] == [
        ("2026Q1", "third", 2.0), ("2026Q2", "advance", 1.5), ("2026Q1", "revised", 2.1),
        ("2026Q2", "second", 1.3)]  # the second restatement of Q1 = 2.1 is the same point
    assert [(p.period, p.value) for p in series.latest] == [("2026Q1", 2.1), ("2026Q2", 1.3)]
    assert series.estimates == ["advance", "second", "third", "revised"]
    assert series.label == "Real GDP" and series.unit_label.startswith("Percent change")


def test_one_unit_is_drawn_and_the_others_named():
    rows = [gdp("2026-06", None, 2.6, 0, unit="percent_yoy"),
            gdp("2026-07", None, 0.2, 30, unit="percent")]

    newest = build_series("pce_price_index", rows)
    chosen = build_series("pce_price_index", rows, unit="percent_yoy")

    assert newest.unit == "percent" and newest.other_units == ("percent_yoy",)
    assert [p.estimate for p in newest.points] == ["other"]
    assert chosen.unit == "percent_yoy" and [p.value for p in chosen.points] == [2.6]


def test_since_and_empty():
    rows = [gdp("2026Q2", "advance", 1.5, 0, ("2026Q1", 2.1))]

    assert [p.period for p in build_series("real_gdp", rows, date(2026, 4, 1)).points] == [
        "2026Q2"]
    assert build_series("real_gdp", rows, date(2027, 1, 1)) is None
    assert build_series("real_gdp", []) is None


def _monthly(count: int) -> list[Row]:
    rows = []
    for i in range(count):
        year, month = 2024 + i // 12, i % 12 + 1
        value = round(0.3 + 0.2 * ((i * 7) % 5 - 2), 1)
        rows.append(gdp(f"{year}-{month:02d}", None, value, i * 30, unit="percent"))
    return rows


def test_a_long_series_renders_with_date_ticks(tmp_path):
    series = build_series("personal_income", _monthly(30))
    out = render_png(series, tmp_path / "pi.png", width=900, height=500)

    head = out.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (900, 500)


def test_terminal_rendering_without_colour():
    text = render_terminal(build_series("personal_income", _monthly(30)), width=80,
                           height=20, color=False)

    assert text.rstrip().endswith(SOURCE_LINE)
    assert re.search(r"20\d\d-\d\d", text) and "\x1b[" not in text
