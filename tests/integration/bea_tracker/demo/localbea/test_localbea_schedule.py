"""schedule_with: the ICS and the HTML table announce a release a few seconds away."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
from bs4 import BeautifulSoup

from bea_tracker.demo.localbea import CalendarEntry, synthetic_gdp_release

EASTERN = ZoneInfo("America/New_York")
SOON = datetime(2026, 11, 25, 14, 21, 37, tzinfo=timezone.utc)


def _events(client, bea) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(client.get(bea.schedule_ics_url).content)
    return list(calendar.walk("VEVENT"))


def _rows(client, bea) -> list[tuple[str, str, str]]:
    soup = BeautifulSoup(client.get(bea.schedule_url).text, "html.parser")
    table = soup.select_one("table#release-schedule-table")
    return [(row.select_one(".scheduled-date").get_text(" ", strip=True),
             row.select_one(".icon-letter").get_text(strip=True),
             row.select_one(".release-title").get_text(strip=True))
            for row in table.select("tbody tr")]


def test_ics_holds_only_the_given_events(bea, client):
    bea.schedule_with([("GDP (Advance Estimate)", "2nd Quarter 2026", SOON)])
    events = _events(client, bea)
    assert len(events) == 1
    assert str(events[0]["SUMMARY"]) == "GDP (Advance Estimate), 2nd Quarter 2026"
    assert events[0].decoded("DTSTART") == SOON  # to the second, in UTC
    assert events[0].decoded("DURATION") == timedelta(minutes=30)


def test_ics_keeps_real_events_when_asked(bea, client):
    bea.schedule_with([CalendarEntry("GDP (Advance Estimate)", "2nd Quarter 2026", SOON)],
                      keep_real=True)
    events = _events(client, bea)
    assert len(events) == 120
    starts = [e.decoded("DTSTART") for e in events]
    assert starts == sorted(starts)
    summaries = [str(e["SUMMARY"]) for e in events]
    assert "GDP (Advance Estimate), 3rd Quarter 2026" in summaries
    assert "GDP (Advance Estimate), 2nd Quarter 2026" in summaries


def test_moving_an_event_keeps_its_uid_and_changes_the_etag(bea, client):
    first = bea.schedule_with([("Personal Income and Outlays", "October 2026", SOON)])
    etag = client.get(bea.schedule_ics_url).headers["etag"]
    uid = str(_events(client, bea)[0]["UID"])
    bea.schedule_with([(first[0].title, first[0].period, SOON + timedelta(minutes=5))])
    response = client.get(bea.schedule_ics_url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert str(_events(client, bea)[0]["UID"]) == uid


def test_summary_escaping_round_trips(bea, client):
    title = "GDP (Third Estimate), Industries; Corporate Profits"
    bea.schedule_with([(title, "3rd Quarter 2026", SOON)])
    assert str(_events(client, bea)[0]["SUMMARY"]) == f"{title}, 3rd Quarter 2026"


def test_html_table_row_uses_bea_markup_and_eastern_minutes(bea, client):
    bea.schedule_with([("GDP (Advance Estimate)", "2nd Quarter 2026", SOON),
                       ("Prototype Statistics", "2025", SOON + timedelta(hours=1), "data")])
    rows = _rows(client, bea)
    assert rows == [
        ("November 25 9:21 AM", "News", "GDP (Advance Estimate), 2nd Quarter 2026"),
        ("November 25 10:21 AM", "Data", "Prototype Statistics, 2025"),
    ]
    header = BeautifulSoup(client.get(bea.schedule_url).text, "html.parser").th
    assert header.get_text(strip=True) == "Year 2026"


def test_html_keeps_real_rows_in_date_order(bea, client):
    bea.schedule_with([("Synthetic Test Release", "3rd Quarter 2026", SOON)], keep_real=True)
    rows = _rows(client, bea)
    assert len(rows) == 27
    assert rows[-1][0] == "To Be Announced 2026"
    dated = [datetime.strptime(f"{when} 2026", "%B %d %I:%M %p %Y") for when, _, _ in rows[:-1]]
    assert dated == sorted(dated)
    assert ("November 25 9:21 AM", "News", "Synthetic Test Release, 3rd Quarter 2026") in rows


def test_synthetic_release_event_predicts_its_own_path(bea, client):
    starts_at = datetime.now(timezone.utc) + timedelta(seconds=5)
    release = synthetic_gdp_release(starts_at, seq=7)
    bea.schedule_with([release.event(starts_at)])
    event = _events(client, bea)[0]
    assert str(event["SUMMARY"]) == release.title
    assert event.decoded("DTSTART") == starts_at.replace(microsecond=0)


def test_event_needs_aware_time_and_known_category():
    with pytest.raises(ValueError):
        CalendarEntry("GDP", "2026", datetime(2026, 11, 25, 9, 30))
    with pytest.raises(ValueError):
        CalendarEntry("GDP", "2026", SOON, "press")
