"""Charts for e-mail alerts: the headline indicator's last periods, this estimate highlighted.

The notifier may not read the database or import the plotting code, so the composition root
hands it an :class:`AlertCharts` (a ``notifier.settings.ChartRenderer``). One instance
serves a delivery run: a release alerted to many subscribers is drawn once, and drawing is
serialised (matplotlib is not thread-safe, and sends run in threads). Without the ``plot``
extra every call returns None and the alerts go out without a chart.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from bea_tracker.history.plotting import (
    PlotUnavailable,
    Point,
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
            png = render_png_bytes(series, WIDTH, HEIGHT, highlight=mark)
        except PlotUnavailable as exc:
            logger.info("e-mail alerts go without charts: %s", exc)
            self._unavailable = True
            return None
        count = len(series.latest)
        alt = (f"Chart: {series.label}, the last {count} period{'s' if count != 1 else ''}, "
               f"every estimate marked; this release: {top.value:g} for {top.period}")
        return ChartImage(png=png, alt=alt)
