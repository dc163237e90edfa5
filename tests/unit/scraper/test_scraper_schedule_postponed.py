"""A release BEA marks "To Be Rescheduled" (the 2025 shutdown schedule) is postponed.

bea.gov serves the old date in the table and rewrites the cell in the browser with a script
(``const updates = [...]``); the real script is in the archive captures of 2026-09-14.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from parsel import Selector

from bea_tracker.demo.localbea.schedule_gen import CalendarEntry, render_html
from scraper.schedule import _page_updates, parse_schedule_html
from tests.support.captures import fixture_bytes

TABLE = fixture_bytes("schedule-table-excerpt-2026-07-16.html").decode()
ARCHIVE = fixture_bytes("archive-gdp-page0-2026-09-14.html").decode()


def _with_tab(html: str, tab: str) -> str:
    """BEA's tab list (synthesized: the captures keep the script, not the tabs)."""
    tabs = f'<ul class="tabs--primary"><li class="active"><a>{tab}</a></li></ul>'
    return html.replace("</body>", tabs + "</body>", 1)


def test_bea_real_row_update_script_is_read_for_the_active_tab() -> None:
    updates = _page_updates(Selector(text=_with_tab(ARCHIVE, "2025 Schedule")), [])
    postponed = {key: u["replacement-smallText"] for key, u in updates.items()
                 if u["replacement-releaseText"] == "To Be Rescheduled"}
    assert postponed == {("February 26", 0): "(Orig. Feb. 26)",
                         ("February 26", 1): "(Orig. Feb. 26)",
                         ("November 26", 0): "(Orig. Nov. 26)",
                         ("December 19", 0): "(Orig. Dec. 19)",
                         ("December 30", 0): "(Orig. November 2025)"}
    assert updates[("October 30", 0)]["replacement-releaseText"] == "Cancelled"
    # commented-out entries (January 29, December 4) are not read
    assert ("January 29", 0) in updates and updates[("January 29", 0)][
        "replacement-releaseText"] is None
    assert ("December 4", 0) not in updates
    # "2026 Schedule" tab: the entries limited to 2025 tabs do not apply
    other = _page_updates(Selector(text=_with_tab(ARCHIVE, "2026 Schedule")), [])
    assert ("November 26", 0) not in other and ("February 26", 0) in other


def test_no_active_tab_no_updates_like_bea_script() -> None:
    assert _page_updates(Selector(text=ARCHIVE), []) == {}


def test_script_marks_a_table_row_postponed() -> None:
    at = datetime.now(timezone.utc) + timedelta(days=3)
    late = CalendarEntry("Personal Income and Outlays", "December 2026", at)
    on = CalendarEntry("GDP (Advance Estimate)", "3rd Quarter 2026", at + timedelta(days=1))
    record = parse_schedule_html(render_html(TABLE, [on], keep_real=True, postponed=[late]))
    postponed = [u for u in record.unscheduled if u.postponed]
    assert [(u.title, u.period) for u in postponed] == [
        ("Personal Income and Outlays", "December 2026")]
    assert postponed[0].note.startswith("To Be Rescheduled (Orig. ")
    assert postponed[0].to_json()["postponed"] is True
    titles = {(e.title, e.period) for e in record.events}
    assert ("GDP (Advance Estimate)", "3rd Quarter 2026") in titles
    assert ("Personal Income and Outlays", "December 2026") not in titles
    assert record.problems == ()


def test_a_rendered_to_be_rescheduled_cell() -> None:
    """The table as a browser shows it after BEA's script ran on a real row."""
    rendered = TABLE.replace('<div class="release-date">July 30</div>\n<small class="text-muted">'
                             '8:30 AM</small>',
                             '<div class="release-date">To Be Rescheduled</div>\n'
                             '<small class="text-muted">(Orig. Jul. 30)</small>', 1)
    assert rendered != TABLE
    record = parse_schedule_html(rendered)
    postponed = [u for u in record.unscheduled if u.postponed]
    assert len(postponed) == 1 and postponed[0].note == "To Be Rescheduled (Orig. Jul. 30)"
    assert len(record.events) == len(parse_schedule_html(TABLE).events) - 1
    assert record.problems == ()


def test_a_cancelled_update_drops_the_row() -> None:
    at = datetime.now(timezone.utc) + timedelta(days=3)
    late = CalendarEntry("Personal Income and Outlays", "December 2026", at)
    html = render_html(TABLE, [], keep_real=True, postponed=[late]).replace(
        '"To Be Rescheduled"', '"Cancelled"')
    record = parse_schedule_html(html)
    assert not any(u.postponed for u in record.unscheduled)
    assert ("Personal Income and Outlays", "December 2026") not in {
        (e.title, e.period) for e in record.events}
    assert len(record.events) == len(parse_schedule_html(TABLE).events)


def test_a_malformed_update_script_is_one_problem_never_a_crash() -> None:
    at = datetime.now(timezone.utc) + timedelta(days=3)
    late = CalendarEntry("Personal Income and Outlays", "December 2026", at)
    html = render_html(TABLE, [], keep_real=True, postponed=[late])
    bad_index = html.replace('"occurrenceIndex": 0', '"occurrenceIndex": "first"')
    record = parse_schedule_html(bad_index)
    assert not any(u.postponed for u in record.unscheduled)
    assert any("occurrenceIndex" in p for p in record.problems)
    broken = parse_schedule_html(html.replace('"target-date"', '"target-date" "x"'))
    assert any("could not be read" in p for p in broken.problems)
    assert len(broken.events) == len(parse_schedule_html(TABLE).events) + 1
