"""The dashboard at ``/``: latest headline figures, the next scheduled releases with time
left, the last releases' latency (page live, feed, alert) and delivery health.

Server-rendered (Jinja2, autoescaped like the e-mails' HTML part), readable without
JavaScript; everything on it comes from db/ reads done in one worker-thread call.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from bea_tracker.cli.output import format_time, unit_label
from bea_tracker.publish.atom import allowed_link
from bea_tracker.publish.shapes import latest_shape
from notifier.render.formatting import format_period, format_value

if TYPE_CHECKING:
    from db.session import Database

UPCOMING = 8
LATENCY_ROWS = 10


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=PackageLoader("bea_tracker.publish", "templates"),
                       autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def time_left(until: datetime, now: datetime) -> str:
    """``2 d 3 h``, ``3 h 5 min``, ``12 min``, ``due now``."""
    seconds = int((until - now).total_seconds())
    if seconds < 60:
        return "due now"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:+.0f} s" if abs(value) < 120 else \
        f"{value / 60:+.1f} min"


def collect(db: Database, url: str, now: datetime) -> dict[str, Any]:
    """Everything the page shows, as plain data (run in a worker thread)."""
    from db.latency import release_latency
    from db.outbox import counts_by_status
    from db.schedule_store import upcoming_events

    latest, _ = latest_shape(db, url, None)
    with db.session() as session:
        upcoming = upcoming_events(session, now)[:UPCOMING]
        latency = release_latency(session)[-LATENCY_ROWS:][::-1]
        deliveries = counts_by_status(session)
    return {"latest": latest, "upcoming": upcoming, "latency": latency,
            "deliveries": deliveries}


def render(data: dict[str, Any], now: datetime, health: dict[str, Any] | None,
           allowed_hosts: tuple[str, ...]) -> str:
    figures = [{
        "label": row.get("label") or row["indicator"],
        "period": format_period(row["period"]),
        "estimate": row.get("estimate") or "",
        "value": format_value(row["value"], row["unit"]),
        "unit": unit_label(row["unit"]),
        "release_title": row.get("release_title") or "",
        "release_url": allowed_link(row.get("release_url"), allowed_hosts),
        "released": format_time(row.get("released_at")),
    } for row in data["latest"]]
    upcoming = [{"title": e.title, "period": e.period or "", "when": format_time(e.starts_at),
                 "left": time_left(e.starts_at, now)} for e in data["upcoming"]]
    latency = [{
        "title": row["title"],
        "url": allowed_link(row["release_url"], allowed_hosts),
        "scheduled": format_time(row["scheduled_at"]),
        "page": format_time(row["page_first_seen_at"]),
        "feed": format_time(row["feed_first_seen_at"]),
        "alert": format_time(row["first_delivery_at"]),
        "page_ahead": _seconds(row["page_ahead_of_feed_s"]),
        "alert_after": _seconds(row["alert_after_schedule_s"]),
    } for row in data["latency"]]
    return environment().get_template("dashboard.html.j2").render(
        figures=figures, upcoming=upcoming, latency=latency,
        deliveries=data["deliveries"], health=health, now=format_time(now),
        dead=data["deliveries"].get("dead", 0))
