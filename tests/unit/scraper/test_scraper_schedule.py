"""BEA's schedule: the HTML table excerpt, the ICS subscription, and a folded CRLF ICS."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from scraper.extract.generic import NEW_YORK
from scraper.schedule import parse_schedule_html, parse_schedule_ics
from tests.support.captures import fixture_bytes

HTML = parse_schedule_html(fixture_bytes("schedule-table-excerpt-2026-07-16.html").decode())
ICS = parse_schedule_ics(fixture_bytes("schedule-ics-2026-09-19-normalized.ics"))
FOLDED = parse_schedule_ics(fixture_bytes("schedule-synthetic-folded-crlf.ics"))


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


# ------------------------------------------------------------------- HTML table

def test_html_rows_25_dated_and_one_to_be_announced() -> None:
    assert (len(HTML.events), len(HTML.unscheduled), HTML.problems) == (25, 1, ())


def test_html_categories_24_news_2_data() -> None:
    counts = Counter(e.category for e in HTML.events)
    assert counts == {"news": 23, "data": 2}  # + the TBA row, which is News: 24 News rows


def test_html_first_and_last_dates_take_the_year_from_the_header() -> None:
    assert HTML.events[0].starts_at == ny(2026, 7, 16, 10, 0)
    assert HTML.events[-1].starts_at == ny(2026, 12, 23, 8, 30)


def test_html_gdp_advance_row() -> None:
    gdp = [e for e in HTML.events if e.title == "GDP (Advance Estimate)"]
    assert [(e.period, e.starts_at, e.category) for e in gdp] == [
        ("2nd Quarter 2026", ny(2026, 7, 30, 8, 30), "news"),
        ("3rd Quarter 2026", ny(2026, 10, 29, 8, 30), "news"),
    ]


def test_html_offsets_follow_daylight_saving() -> None:
    assert HTML.events[0].starts_at.utcoffset().total_seconds() == -4 * 3600
    assert HTML.events[-1].starts_at.utcoffset().total_seconds() == -5 * 3600


def test_html_to_be_announced_row() -> None:
    tba = HTML.unscheduled[0]
    assert tba.title == "Outdoor Recreation Economic Statistics, U.S. and States, 2025"
    assert tba.note == "To Be Announced 2026"


def test_html_year_rolls_over_without_a_new_header() -> None:
    text = fixture_bytes("schedule-table-excerpt-2026-07-16.html").decode().replace(
        '"release-date">July 16<', '"release-date">January 6<')
    text = text.replace('"release-date">December 23<', '"release-date">January 8<')
    events = parse_schedule_html(text).events
    assert events[0].starts_at == ny(2026, 1, 6, 10, 0)
    assert events[-1].starts_at == ny(2027, 1, 8, 8, 30)


def test_html_year_header_row_inside_the_body_changes_the_year() -> None:
    text = fixture_bytes("schedule-table-excerpt-2026-07-16.html").decode()
    marker = '<tr class="scheduled-releases-type-press">'
    cut = text.rfind(marker, 0, text.rfind(marker))  # before the last dated row
    text = text[:cut] + "<tr><th>Year 2027</th></tr>" + text[cut:]
    events = parse_schedule_html(text).events
    assert events[-2].starts_at == ny(2026, 12, 23, 8, 30)
    assert events[-1].starts_at == ny(2027, 12, 23, 8, 30)


def test_html_page_without_the_table() -> None:
    record = parse_schedule_html("<html><body><p>Schedule moved</p></body></html>")
    assert record.events == () and "release-schedule-table" in record.problems[0]


# ------------------------------------------------------------------- ICS

def test_ics_event_count_and_range() -> None:
    assert len(ICS.events) == 119 and ICS.problems == ()
    starts = sorted(e.starts_at for e in ICS.events)
    assert (starts[0], starts[-1]) == (ny(2025, 1, 7, 8, 30), ny(2026, 12, 23, 8, 30))


def test_ics_utc_is_converted_to_new_york() -> None:
    gdp = [e for e in ICS.events if (e.title, e.period) == ("GDP (Advance Estimate)",
                                                           "3rd Quarter 2026")]
    assert len(gdp) == 1
    assert gdp[0].starts_at == ny(2026, 10, 29, 8, 30)
    assert str(gdp[0].starts_at.tzinfo) == "America/New_York"


def test_ics_mojibake_summary_is_repaired() -> None:
    dist = [e for e in ICS.events if e.starts_at == ny(2026, 6, 16, 10, 0)]
    assert dist[0].title == "Distribution of U.S. Personal Income"
    assert dist[0].period == "2025 (Experimental), 2024 (Provisional), and 2000-2023 (Updated)"


def test_ics_and_html_agree_on_shared_events() -> None:
    ics = {(e.title, e.period, e.starts_at) for e in ICS.events}
    html = {(e.title, e.period, e.starts_at) for e in HTML.events
            if e.starts_at <= ny(2026, 12, 23, 8, 30)}
    assert len(html & ics) >= 20


@pytest.mark.parametrize(
    "index,title,period,starts",
    [
        (0, "GDP (Advance Estimate)", "3rd Quarter 2026", ny(2026, 10, 29, 8, 30)),
        (1, "GDP (Third Estimate), Industries, Corporate Profits, State GDP, and State "
            "Personal Income", "3rd Quarter 2026", ny(2026, 12, 23, 8, 30)),
        (2, "U.S. International Trade in Goods and Services", "September 2026",
         ny(2026, 11, 5, 8, 30)),
        (3, "Distribution of U.S. Personal Income", "2025 (Experimental), and 2000-2023 "
            "(Updated)", ny(2026, 6, 16, 10, 0)),
    ],
)
def test_ics_crlf_and_folded_lines(index: int, title: str, period: str,
                                   starts: datetime) -> None:
    event = FOLDED.events[index]
    assert (event.title, event.period, event.starts_at) == (title, period, starts)


def test_synthetic_ics_really_is_crlf_and_folded() -> None:
    data = fixture_bytes("schedule-synthetic-folded-crlf.ics")
    assert data.count(b"\r\n") == data.count(b"\n")
    assert b"\r\n timate" in data and b"\r\n\t State" in data


def test_truncated_ics_keeps_complete_events() -> None:
    data = fixture_bytes("schedule-ics-2026-09-19-normalized.ics")
    record = parse_schedule_ics(data[: len(data) // 2])
    assert 50 < len(record.events) < 119
    assert "truncated" in record.problems[0]


@pytest.mark.parametrize("data", [b"", b"   ", b"garbage", b"<html><body>503</body></html>"])
def test_not_an_ics(data: bytes) -> None:
    record = parse_schedule_ics(data)
    assert record.events == () and record.problems
