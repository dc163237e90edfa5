"""The e-mail chart: drawn once per event for every subscriber, last 12 periods only, None
when there is nothing to draw."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bea_tracker.history.alert_charts import AlertCharts
from db.events import latest_release_event
from db.records import EVENT_REVISION, EventRecord, FigureRecord, ReleaseRecord
from db.store import Fetched, store_snapshot

EDT = timezone(timedelta(hours=-4))
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def store_quarters(database, count: int) -> None:
    for i in range(count):
        year, quarter = 2020 + i // 4, i % 4 + 1
        period, released = f"{year}Q{quarter}", datetime(year, 1, 1, 8, 30, tzinfo=EDT) + \
            timedelta(days=91 * quarter)
        url = f"https://www.bea.gov/news/gdp-{period}"
        record = ReleaseRecord(url=url, title=f"GDP (Advance Estimate), {period}",
                               released_at=released, series="GDP", figures=(
                                   FigureRecord("real_gdp", "Real GDP", period, "advance",
                                                1.0 + i / 10, "percent_saar"),))
        with database.unit_of_work() as session:
            store_snapshot(session, Fetched(url, f"<html>{i}</html>".encode(), released), record)


def test_one_drawing_per_event_of_the_last_twelve_periods(database, monkeypatch):
    store_quarters(database, 15)
    with database.session() as session:
        event = latest_release_event(session, NOW)
    charts = AlertCharts(database)
    drawn = []
    from bea_tracker.history import alert_charts

    real = alert_charts.render_png_bytes
    monkeypatch.setattr(alert_charts, "render_png_bytes",
                        lambda series, *a, **kw: drawn.append(series) or real(series, *a, **kw))
    first = charts(event)
    assert charts(event) is first and len(drawn) == 1
    assert first.png.startswith(b"\x89PNG") and "the last 12 periods" in first.alt
    assert len(drawn[0].latest) == 12 and drawn[0].latest[-1].period == "2023Q3"


def test_nothing_to_draw_is_none(database):
    charts = AlertCharts(database)
    assert charts(EventRecord(id=1, kind=EVENT_REVISION, created_at=NOW)) is None
    no_figures = ReleaseRecord(url="https://www.bea.gov/x", title="t", released_at=NOW)
    assert charts(EventRecord(id=2, kind="new_release", created_at=NOW,
                              release=no_figures)) is None
