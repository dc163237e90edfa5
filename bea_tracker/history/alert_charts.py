"""Charts for e-mail alerts: the headline indicator's last periods, this estimate highlighted.

The notifier may not read the database or import the plotting code, so the composition root
hands it an :class:`AlertCharts` (a ``notifier.settings.ChartRenderer``). One instance
serves a delivery run: a release alerted to many subscribers is drawn once, and drawing is
serialised (matplotlib is not thread-safe, and sends run in threads). Without the ``plot``
extra every call returns None and the alerts go out without a chart. Loading matplotlib
takes seconds on a busy machine: the daemon calls :func:`warm_up` in a thread at start, so
the first alert's e-mail does not wait for it.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from bea_tracker.history.plotting import (
    PlotUnavailable,
    Point,
    Series,
    build_series,
    last_periods,
    period_start,
    render_png_bytes,
)
from db.queries import history
from db.records import EVENT_NEW_RELEASE, EventRecord
from db.session import Database
from notifier.settings import ChartImage

logger = logging.getLogger(__name__)

PERIODS = 12
WIDTH, HEIGHT = 640, 320
_CACHE_SIZE = 16
# matplotlib is not thread-safe: one drawing at a time in this process
_DRAWING = threading.Lock()


def warm_up() -> None:
    """Load matplotlib and draw one throwaway chart, so the first alert does not wait for
    it (seconds on a busy machine). The daemon runs this in a thread when it starts."""
    when = period_start("2026Q1")
    assert when is not None
    point = Point("2026Q1", when, 1.0, "advance")
    series = Series("warm_up", "Warm-up", "percent", (point,), (point,))
    try:
        with _DRAWING:
            render_png_bytes(series, WIDTH, HEIGHT, highlight=point)
    except PlotUnavailable:
        logger.debug("no chart library to warm up (the plot extra is not installed)")


class AlertCharts:
    """``charts(event)`` -> a ChartImage of the event's headline indicator, or None."""

    def __init__(self, database: Database, periods: int = PERIODS) -> None:
        self._db = database
        self._periods = periods
        self._lock = threading.Lock()
        self._drawn: OrderedDict[tuple[int, str], ChartImage | None] = OrderedDict()
        self._unavailable = False

    def __call__(self, event: EventRecord) -> ChartImage | None:
        release = event.release
        if event.kind != EVENT_NEW_RELEASE or release is None or not release.figures:
            return None
        key = (event.id, release.url)
        with self._lock:
            if key not in self._drawn:
                self._drawn[key] = self._draw(event)
                if len(self._drawn) > _CACHE_SIZE:
                    self._drawn.popitem(last=False)
            return self._drawn[key]

    def _draw(self, event: EventRecord) -> ChartImage | None:
        if self._unavailable:
            return None
        top = event.release.figures[0] if event.release else None
        when = period_start(top.period) if top else None
        if top is None or when is None:
            return None
        with self._db.session() as session:
            series = build_series(top.indicator, history(session, top.indicator), unit=top.unit)
        if series is None:
            return None
        series = last_periods(series, self._periods)
        mark = Point(top.period, when, top.value, top.estimate or "other")
        try:
            with _DRAWING:
                png = render_png_bytes(series, WIDTH, HEIGHT, highlight=mark)
        except PlotUnavailable as exc:
            logger.info("e-mail alerts go without charts: %s", exc)
            self._unavailable = True
            return None
        count = len(series.latest)
        alt = (f"Chart: {series.label}, the last {count} period{'s' if count != 1 else ''}, "
               f"every estimate marked; this release: {top.value:g} for {top.period}")
        return ChartImage(png=png, alt=alt)
