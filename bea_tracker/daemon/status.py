"""What ``bea-tracker status`` reports, gathered from the database."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bea_tracker.config import AppConfig
from db import daemons, heartbeat
from db.events import dead_alerts
from db.latency import latest_latency
from db.outbox import counts_by_status
from db.polls import last_poll
from db.schedule_store import upcoming_events
from db.session import Database, safe_url
from db.types import utcnow

STALE_AFTER = timedelta(seconds=30)
HEALTH_SLACK = 30.0


def assess_health(alive: bool, started_at: datetime | None, last_feed_ok_at: datetime | None,
                  now: datetime, config: AppConfig) -> dict[str, Any]:
    """Healthy: the daemon runs and read the feed within three idle intervals (plus a
    timeout and 30 s), or started less than that ago. Shared by ``status`` and
    ``/healthz``."""
    polling = config.polling
    # slack for the heartbeat's lag (status reads what the daemon last wrote) and a slow
    # first poll on a busy machine
    window = timedelta(seconds=3 * polling.idle_interval + polling.timeout + HEALTH_SLACK)
    problem = None
    if not alive:
        problem = "the daemon is not running"
    else:
        since = last_feed_ok_at or started_at
        if since is not None and now - since > window:
            what = f"since {_iso(last_feed_ok_at)}" if last_feed_ok_at else "since it started"
            problem = f"the feed has not been read {what} (more than {window})"
    return {"healthy": problem is None, "problem": problem,
            "last_feed_ok_at": _iso(last_feed_ok_at)}


def _parse(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _shown(url: str) -> str:
    """A SQLite file as its path; any other URL with its password hidden."""
    if url.startswith("sqlite:///"):
        return url.split("///", 1)[1]
    return safe_url(url)


def collect_status(database: Database, config: AppConfig) -> dict[str, Any]:
    now = utcnow()  # the daemon's wall clock (a test may shift it)
    with database.session() as session:
        state = heartbeat.read_state(session)
        poll = last_poll(session, "feed")
        upcoming = upcoming_events(session, now)[:1]
        outbox = counts_by_status(session)
        dead = dead_alerts(session, limit=5) if outbox.get("dead") else []
        latency = latest_latency(session)
        known = daemons.list_daemons(session)
    daemon: dict[str, Any] = {"alive": False}
    leader = next((d for d in known if d.role == daemons.LEADER
                   and d.alive(now, STALE_AFTER)), None)
    if leader is not None and state is None:
        # several daemons (PostgreSQL): the one that polls speaks for the burst state
        daemon = {
            "alive": True, "pid": leader.pid, "host": leader.host, "state": "running",
            "started_at": _iso(leader.started_at), "heartbeat_at": _iso(leader.heartbeat_at),
            "last_feed_ok_at": leader.info.get("last_feed_ok_at"),
            "http": leader.info.get("http"),
            "burst": leader.info.get("bursts") or [],
            "next_burst": leader.info.get("next_burst"),
            "last_error": leader.info.get("last_error"),
        }
    elif state is not None:
        value, updated_at = state
        daemon = {
            "alive": heartbeat.holder_alive(value, updated_at, STALE_AFTER),
            "pid": value.get("pid"),
            "host": value.get("host"),
            "state": value.get("state"),
            "started_at": value.get("started_at"),
            "heartbeat_at": value.get("heartbeat_at"),
            "last_feed_ok_at": value.get("last_feed_ok_at"),
            "burst": value.get("bursts") or [],
            "next_burst": value.get("next_burst"),
            "last_error": value.get("last_error"),
            "http": value.get("http"),
        }
    health = assess_health(daemon["alive"], _parse(daemon.get("started_at")),
                           _parse(daemon.get("last_feed_ok_at")), now, config) \
        if daemon["alive"] else assess_health(False, None, None, now, config)
    return {
        "healthy": health["healthy"],
        "problem": health["problem"],
        "daemon": daemon,
        "daemons": [d.to_json(now, STALE_AFTER) for d in known],
        "last_poll": None if poll is None else {
            "at": _iso(poll.started_at), "url": poll.url, "status": poll.status,
            "not_modified": poll.not_modified, "error": poll.error,
        },
        "next_release": None if not upcoming else {
            "title": upcoming[0].title, "period": upcoming[0].period or None,
            "starts_at": _iso(upcoming[0].starts_at),
        },
        "outbox": outbox,
        # alerts given up (delivery.give_up_after, or refused for good), newest first
        "dead_alerts": [d.to_json() for d in dead],
        "last_release_latency": latency,
        "database": _shown(config.database.resolved_url()),
    }


def print_status(info: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape as e

    from bea_tracker.cli.output import format_time as t

    console = Console(highlight=False)
    d = info["daemon"]
    alive = "[green]running[/green]" if d["alive"] else "[red]not running[/red]"
    console.print(f"daemon: {alive}" + (f" (pid {d['pid']}, heartbeat {t(d['heartbeat_at'])})"
                                         if d.get("pid") else ""))
    console.print("health: " + ("[green]ok[/green]" if info["healthy"]
                                else f"[red]unhealthy[/red]: {e(str(info['problem']))}"))
    if d.get("http"):
        console.print(f"serving: {d['http']}healthz, {d['http']}metrics")
    for one in info.get("daemons", []):
        if one["state"] != "stopped":
            console.print(f"  {one['role']:<9} {one['host']} pid {one['pid']}: {one['state']}, "
                          f"heartbeat {t(one['heartbeat_at'])}")
    if d.get("burst"):
        console.print(f"burst polling for: {e(', '.join(d['burst']))}")
    poll = info["last_poll"]
    if poll:
        what = "304 not modified" if poll["not_modified"] else f"HTTP {poll['status']}"
        console.print(f"last feed poll: {t(poll['at'])} {what}"
                      + (f" error: {e(poll['error'])}" if poll["error"] else ""))
    else:
        console.print("last feed poll: never")
    nxt = info["next_release"]
    console.print("next scheduled release: " + (
        f"{e(nxt['title'])} {e(nxt['period'] or '')} at {t(nxt['starts_at'])}" if nxt
        else "none known"))
    console.print("outbox: " + ", ".join(f"{k} {v}" for k, v in info["outbox"].items()))
    if info["outbox"].get("dead"):
        console.print(f"[red]dead alerts: {info['outbox']['dead']}[/red] (not delivered, given "
                      "up; 'bea-tracker deliveries --status dead', 'deliveries retry ID')")
    for dead in info.get("dead_alerts", []):
        console.print(f"  outbox {dead['outbox']}: subscription {dead['subscription']} "
                      f"({e(dead['channel'])}), {e(dead['about'])}; gave up "
                      f"{t(dead['died_at'])} after {dead['attempts']} attempt(s): "
                      f"{e(dead['reason'])}")
    if d.get("last_error"):
        console.print(f"last error: {e(str(d['last_error']))}")
    lat = info["last_release_latency"]
    if lat:
        console.print(f"last release: {e(lat['title'])}: page seen {t(lat['page_first_seen_at'])}, "
                      f"feed {t(lat['feed_first_seen_at'])}, delivered "
                      f"{t(lat['first_delivery_at'])}")
