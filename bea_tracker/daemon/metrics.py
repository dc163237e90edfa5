"""The daemon's Prometheus metrics (``prometheus_client``), in a registry of their own.

Counters and gauges are updated where the daemon already learns the facts (a poll's
summary, a delivery round's summary), so nothing queries the database to serve /metrics.
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST
#: alert latency buckets, seconds from the event (a release seen) to the send
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.polls = Counter("bea_tracker_polls", "Polls of a source, by outcome",
                             ["source", "outcome"], registry=r)
        self.not_modified_ratio = Gauge(
            "bea_tracker_feed_not_modified_ratio",
            "Share of feed polls answered 304 Not Modified since start", registry=r)
        self.releases = Counter("bea_tracker_releases",
                                "New or changed release pages and feed items stored",
                                registry=r)
        self.alerts = Counter("bea_tracker_alerts", "Alert sends, by outcome",
                              ["outcome"], registry=r)
        self.latency = Histogram("bea_tracker_alert_latency_seconds",
                                 "Seconds from an event to its alert's send",
                                 buckets=LATENCY_BUCKETS, registry=r)
        self.last_success = Gauge("bea_tracker_last_success_timestamp_seconds",
                                  "When a source last succeeded (Unix time)", ["source"],
                                  registry=r)
        self.up = Gauge("bea_tracker_up", "1 while the daemon runs", registry=r)
        self._feed_polls = 0
        self._feed_304 = 0

    def poll(self, source: str, ok: bool, not_modified: bool = False,
             new: int = 0) -> None:
        """One poll of ``source`` (feed, schedule, page)."""
        outcome = "error" if not ok else "not_modified" if not_modified else "ok"
        self.polls.labels(source=source, outcome=outcome).inc()
        if ok:
            self.last_success.labels(source=source).set(time.time())
        if new:
            self.releases.inc(new)
        if source == "feed":
            self._feed_polls += 1
            self._feed_304 += 1 if not_modified else 0
            self.not_modified_ratio.set(self._feed_304 / self._feed_polls)

    def delivery(self, summary: Any) -> None:
        """One delivery round (a ``notifier.delivery.DeliverySummary``)."""
        for outcome in ("sent", "retried", "dead"):
            self.alerts.labels(outcome=outcome).inc(getattr(summary, outcome))
        for seconds in summary.latencies:
            self.latency.observe(seconds)
        if summary.sent or not (summary.retried or summary.dead):
            self.last_success.labels(source="delivery").set(time.time())

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
