"""BEA's release schedule, from the HTML table or the iCalendar subscription.

Both give events as aware America/New_York datetimes, with the release title split from
its reference period ("GDP (Advance Estimate)" / "3rd Quarter 2026"), so the two sources
agree and the database can tell a moved release from a new one.

- HTML (``table#release-schedule-table``): the year is only in header rows ("Year 2026"),
  each row has "July 30" / "8:30 AM", a News/Data badge and the title; "To Be Announced"
  rows become ``UnscheduledRelease``. BEA marks postponed rows with a script on the page
  (``const updates = [{"target-date": "February 26", "occurrenceIndex": 0,
  "replacement-releaseText": "To Be Rescheduled", ...}]``) that rewrites the date cell in
  the browser: the served HTML still shows the old date. Both the script and an already
  rendered cell ("To Be Rescheduled (Orig. Feb. 26)") make the row an ``UnscheduledRelease``
  with ``postponed`` set (a "Cancelled" update drops the row), so a postponed release is
  never burst-polled at its old time.
- ICS: parsed by icalendar (CRLF, folded lines, escaped commas); DTSTART is UTC and is
  converted with zoneinfo. SUMMARY mojibake such as "andÂ\u00a02000" (UTF-8 read as
  Latin-1 somewhere upstream) is repaired.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime
from typing import Any

import icalendar
from parsel import Selector

from db.records import ScheduledRelease, ScheduleRecord, UnscheduledRelease
from scraper.extract.generic import NEW_YORK
from scraper.extract.numbers import clean_text
from scraper.extract.periods import MONTHS
from scraper.extract.titles import split_title_period

logger = logging.getLogger(__name__)

_YEAR_RE = re.compile(r"\bYear\s+(\d{4})\b", re.I)
_DAY_RE = re.compile(r"\b(" + "|".join(MONTHS) + r")\.?\s+(\d{1,2})\b", re.I)
_TIME_RE = re.compile(r"\b(\d{1,2}):(\d{2})\s*([AP])\.?\s?M\.?", re.I)
_TBA_RE = re.compile(r"to be announced|\bTBA\b|\bTBD\b", re.I)
_POSTPONED_RE = re.compile(r"to be rescheduled|postponed", re.I)
_CANCELLED_RE = re.compile(r"^\s*cancell?ed\b", re.I)
_UPDATES_RE = re.compile(r"\bupdates\s*=\s*(\[.*?\])\s*;", re.S)
_JS_COMMENT_RE = re.compile(r'("(?:[^"\\\n]|\\.)*")|//[^\n]*')
_TRAILING_COMMA_RE = re.compile(r",(\s*[\]}])")
_MOJIBAKE_RE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf]+")


def _fix_mojibake(text: str) -> str:
    """Undo UTF-8-read-as-Latin-1 sequences ('Â\\u00a0' -> '\\u00a0'); leave the rest."""
    def repair(m: re.Match[str]) -> str:
        try:
            return m.group(0).encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return m.group(0)

    return _MOJIBAKE_RE.sub(repair, text)


# ---------------------------------------------------------------- HTML table


def _category(row: Selector) -> str | None:
    badge = clean_text("".join(row.css(".icon-letter ::text").getall())).lower()
    if badge in ("news", "data"):
        return badge
    classes = row.attrib.get("class", "")
    if "type-press" in classes or "type-news" in classes:
        return "news"
    return "data" if "type-data" in classes else None


def _starts_at(date_text: str, time_text: str, year: int) -> datetime | None:
    day, clock = _DAY_RE.search(date_text), _TIME_RE.search(time_text)
    if not day or not clock:
        return None
    hour = int(clock.group(1)) % 12 + (12 if clock.group(3).upper() == "P" else 0)
    try:
        return datetime(year, MONTHS[day.group(1).lower()], int(day.group(2)), hour,
                        int(clock.group(2)), tzinfo=NEW_YORK)
    except ValueError:
        return None


def _row_cells(row: Selector) -> tuple[Selector | None, str]:
    """(date cell, title text) of a schedule row."""
    cells = row.xpath("./td")
    date_cell = row.css("td.scheduled-date") or cells[:1]
    title_cell = row.css("td.release-title") or cells[-1:]
    title = clean_text(title_cell[0].xpath("string()").get()) if title_cell else ""
    return (date_cell[0] if date_cell else None), title


def _date_key(date_cell: Selector) -> str:
    """The date cell's own text ("February 26"), as BEA's script indexes its cells."""
    texts = date_cell.css(".release-date").xpath("./text()").getall()
    return " ".join(t.strip() for t in texts if t.strip())


def _page_updates(sel: Selector, problems: list[str]) -> dict[tuple[str, int], dict[str, Any]]:
    """BEA's row updates that apply to the page's active tab, by (date text, occurrence).

    Like BEA's script: no active tab, no updates; ``apply-to`` null means every tab.
    """
    tab = clean_text(" ".join(sel.css("ul.tabs--primary li.active a ::text").getall()))
    found = {}
    for script in sel.css("script::text").getall():
        if "replacement-releaseText" not in script:
            continue
        stripped = _JS_COMMENT_RE.sub(lambda m: m.group(1) or "", script)
        match = _UPDATES_RE.search(stripped)
        try:
            entries = json.loads(_TRAILING_COMMA_RE.sub(r"\1", match.group(1))) if match else None
        except ValueError as exc:
            entries = None
            problems.append(f"the schedule's row updates could not be read ({exc})")
        for entry in entries if isinstance(entries, list) else ():
            applies = entry.get("apply-to") if isinstance(entry, dict) else None
            if not tab or not isinstance(entry, dict) or (
                    applies is not None and tab not in applies):
                continue
            index = entry.get("occurrenceIndex") or 0
            if not isinstance(index, int):
                problems.append(f"row update {entry.get('target-date')!r}: occurrenceIndex "
                                f"{index!r} is not a number; ignored")
                continue
            found[(str(entry.get("target-date")), index)] = entry
    return found


def _read_row(row: Selector, year: int | None, out: dict[str, list[Any]],
              update: dict[str, Any] | None = None) -> int | None:
    """Add one row's event (or unscheduled entry) to ``out``; return the year in force."""
    header = _YEAR_RE.search(clean_text(row.xpath("string()").get()))
    if row.xpath("./th") and header:
        return int(header.group(1))
    date_cell, title = _row_cells(row)
    if date_cell is None or not title:
        return year
    date_text = clean_text(date_cell.css(".release-date").xpath("string()").get())
    cell_text = clean_text(" ".join(date_cell.xpath(".//text()").getall()))
    replaced = str((update or {}).get("replacement-releaseText") or "")
    if _CANCELLED_RE.search(replaced):
        return year  # BEA cancelled it: no event, so the store says "cancelled"
    if replaced and _POSTPONED_RE.search(replaced):
        small = str(update.get("replacement-smallText") or "") if update else ""
        date_text, cell_text = replaced, clean_text(f"{replaced} {small}")
    if _POSTPONED_RE.search(date_text):
        name, period = split_title_period(title)
        out["unscheduled"].append(UnscheduledRelease(name, cell_text, period, postponed=True))
        return year
    if not date_text and _TBA_RE.search(cell_text):
        out["unscheduled"].append(UnscheduledRelease(title=title, note=cell_text))
        return year
    if year is None:
        out["problems"].append(f"{title!r}: no 'Year NNNN' header before this row; skipped")
        return year
    last = out["events"][-1].starts_at if out["events"] else None
    when = _starts_at(date_text or cell_text, cell_text, year)
    if when is not None and last is not None and when.month < last.month and when.year == last.year:
        year += 1  # December -> January without a new header row
        when = when.replace(year=year)
    if when is None:
        out["problems"].append(f"{title!r}: date/time {cell_text!r} not understood; skipped")
        return year
    name, period = split_title_period(title)
    out["events"].append(ScheduledRelease(name, period, when, _category(row)))
    return year


def parse_schedule_html(text: str) -> ScheduleRecord:
    """Events from BEA's schedule page (``table#release-schedule-table``); never raises."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if "<" not in (text or ""):
        return ScheduleRecord(problems=("not an HTML schedule page",))
    sel = Selector(text=text)
    table = sel.css("table#release-schedule-table")
    if not table:
        return ScheduleRecord(problems=("no table#release-schedule-table in the page",))
    out: dict[str, list[Any]] = {"events": [], "unscheduled": [], "problems": []}
    updates = _page_updates(sel, out["problems"])
    seen: dict[str, int] = {}
    year: int | None = None
    for row in table[0].xpath(".//tr"):
        cell = row.css("td.scheduled-date")
        key = _date_key(cell[0]) if cell else ""
        index = seen[key] = seen.get(key, -1) + 1
        year = _read_row(row, year, out, updates.get((key, index)) if key else None)
    if not out["events"] and not out["unscheduled"]:
        out["problems"].append("the schedule table has no release rows")
    return ScheduleRecord(tuple(out["events"]), tuple(out["unscheduled"]), tuple(out["problems"]))


# ---------------------------------------------------------------- iCalendar


def _calendar(data: bytes, problems: list[str]) -> Any:
    """icalendar's Calendar, retrying a truncated file up to its last complete event."""
    try:
        return icalendar.Calendar.from_ical(data)
    except ValueError as exc:
        cut = data.rfind(b"END:VEVENT")
        if cut < 0 or b"BEGIN:VCALENDAR" not in data:
            problems.append(f"not an iCalendar file ({exc})")
            return None
        problems.append("iCalendar file is truncated or malformed; read up to its last "
                        "complete event")
        repaired = data[: cut + len(b"END:VEVENT")] + b"\r\nEND:VCALENDAR\r\n"
        try:
            return icalendar.Calendar.from_ical(repaired)
        except ValueError as again:
            problems.append(f"iCalendar file unreadable ({again})")
            return None


def _event_start(event: Any) -> datetime | None:
    """DTSTART as an aware New York datetime (UTC and floating times both handled)."""
    prop = event.get("DTSTART")
    value = getattr(prop, "dt", None)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=NEW_YORK)
        return aware.astimezone(NEW_YORK)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=NEW_YORK)
    return None


def parse_schedule_ics(data: bytes) -> ScheduleRecord:
    """Events from BEA's iCalendar subscription; never raises."""
    problems: list[str] = []
    if not data or not data.strip():
        return ScheduleRecord(problems=("empty iCalendar document",))
    cal = _calendar(bytes(data), problems)
    if cal is None:
        return ScheduleRecord(problems=tuple(problems))
    events = []
    for index, event in enumerate(cal.walk("VEVENT")):
        summary = clean_text(_fix_mojibake(str(event.get("SUMMARY", ""))))
        starts_at = _event_start(event)
        if not summary or starts_at is None:
            problems.append(f"event {index + 1} ({summary or 'no summary'}): no usable "
                            "SUMMARY/DTSTART; skipped")
            continue
        name, period = split_title_period(summary)
        events.append(ScheduledRelease(name, period, starts_at, None))
    return ScheduleRecord(events=tuple(events), problems=tuple(problems))
