"""The release calendar: ``bea-tracker calendar --out`` and the daemon's /calendar.ics."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
from icalendar import Calendar

from db.publishing import calendar_entries
from db.queries import find_release
from db.records import ScheduledRelease, ScheduleRecord
from db.releases import mark_scheduled
from db.schedule_store import store_schedule
from tests.integration.bea_tracker.daemon.test_daemon_ops import SERVING, with_http
from tests.support.seeding import RELEASED, SLUG, seed_release
from tests.support.waiting import wait_until

TRADE = "U.S. International Trade in Goods and Services"


def seed_schedule(database, base_url: str) -> dict[str, datetime]:
    """A past release (published on time, matched to its release), one BEA moved, one it
    cancelled, one still ahead."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    times = {"trade": RELEASED.astimezone(timezone.utc), "gdp": now + timedelta(days=10),
             "income": now + timedelta(days=20), "pce": now + timedelta(days=30),
             "gdp_moved": now + timedelta(days=11)}

    def schedule(*events: tuple[str, str, datetime]) -> ScheduleRecord:
        return ScheduleRecord(events=tuple(ScheduledRelease(t, p, at, "news")
                                           for t, p, at in events))

    trade = (TRADE, "August 2026", times["trade"])
    income = ("Personal Income and Outlays", "October 2026", times["income"])
    pce = ("PCE <b>Prices</b> [bold]", "October 2026", times["pce"])
    with database.unit_of_work() as session:
        store_schedule(session, schedule(trade, ("GDP", "Q3 2026", times["gdp"]), income, pce))
        store_schedule(session, schedule(trade, ("GDP", "Q3 2026", times["gdp_moved"]), pce))
    seed_release(database, base_url, revise=False)
    with database.unit_of_work() as session:
        mark_scheduled(session, find_release(session, SLUG).id, times["trade"])
    return times


def events_of(ics: bytes) -> dict[str, dict]:
    parsed = Calendar.from_ical(ics)
    return {str(e["uid"]): {"summary": str(e["summary"]),
                            "description": str(e.get("description", "")),
                            "start": e.decoded("dtstart"), "status": str(e["status"]),
                            "url": str(e.get("url", ""))}
            for e in parsed.walk("VEVENT")}


def check_calendar(ics: bytes, times: dict[str, datetime], url: str) -> None:
    events = events_of(ics)
    by_summary = {e["summary"].split(":")[0]: e for e in events.values()}
    trade = next(e for e in events.values()
                 if e["summary"].startswith(f"{TRADE}, August 2026"))
    assert trade["summary"] == f"{TRADE}, August 2026: Trade balance -$88.6 billion"
    assert trade["description"].startswith(
        "Published on time: Trade balance August 2026 -$88.6 billion")
    assert trade["start"] == times["trade"] and trade["url"] == url
    gdp = by_summary["GDP, Q3 2026"]
    assert gdp["start"] == times["gdp_moved"] and gdp["description"].startswith("Moved from ")
    cancelled = by_summary["Cancelled"]
    assert cancelled["summary"] == "Cancelled: Personal Income and Outlays, October 2026"
    assert cancelled["status"] == "CANCELLED" and cancelled["start"] == times["income"]
    ahead = next(e for e in events.values() if e["summary"].startswith("PCE"))
    assert ahead["summary"] == "PCE <b>Prices</b> [bold], October 2026"  # text, as BEA said
    assert ahead["description"] == "Scheduled" and ahead["start"] == times["pce"]


def test_calendar_out_parses_and_carries_the_events(tracker, database, bea, tmp_path):
    times = seed_schedule(database, bea.base_url)
    url = f"{bea.base_url}/news/2026/{SLUG}"
    out = tmp_path / "bea.ics"
    done = tracker("calendar", "--out", str(out))
    assert "wrote 4 events" in done.stderr
    check_calendar(out.read_bytes(), times, url)
    # without the days back the past release is left out
    recent = events_of(tracker("calendar", "--days", "0").stdout.encode())
    assert len(recent) == 3 and not any(TRADE in e["summary"] for e in recent.values())
    with database.session() as session:
        assert [e.outcome for e in calendar_entries(
            session, times["trade"] - timedelta(days=1), datetime.now(timezone.utc))] == [
            "published", "upcoming", "cancelled", "upcoming"]


def test_calendar_out_that_cannot_be_written(tracker, database, tmp_path):
    missing = tracker("calendar", "--out", str(tmp_path / "nope" / "bea.ics"), check=False)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    full = tracker("calendar", "--out", "/dev/full", check=False)
    assert full.returncode == 1 and full.stderr.count("\n") == 1
    assert "Traceback" not in full.stderr


def test_daemon_serves_calendar_ics(configure, daemons, database, bea, tracker):
    config = configure(idle_interval="1h")
    with_http(config)
    times = seed_schedule(database, bea.base_url)
    daemon = daemons()
    base = wait_until(lambda: (m := SERVING.search(daemon.log_text())) and m.group(1), 60,
                      "the HTTP listener", daemon)
    # after the daemon's own schedule refresh (the local BEA's schedule is stored beside ours)
    wait_until(lambda: 'bea_tracker_polls_total{outcome="ok",source="schedule"} 1.0'
               in httpx.get(base + "metrics", timeout=30).text, 60, "a schedule refresh", daemon)
    answer = httpx.get(base + "calendar.ics", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    served = events_of(answer.content)
    trade = next(e for e in served.values()
                 if e["summary"].startswith(f"{TRADE}, August 2026"))
    assert trade["summary"] == f"{TRADE}, August 2026: Trade balance -$88.6 billion"
    assert trade["start"] == times["trade"]
    assert trade["url"] == f"{bea.base_url}/news/2026/{SLUG}"
    # the refresh moved or cancelled some of ours: whatever it did, the CLI says the same
    assert len(served) > 4 and served == events_of(tracker("calendar").stdout.encode())
