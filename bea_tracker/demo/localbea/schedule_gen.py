"""Regenerate BEA's release schedule (ICS and HTML table) with synthetic events.

So a daemon's schedule poll can see a release a few seconds away. New VEVENTs copy the
shape of BEA's own (SUMMARY, DTSTART in UTC, DURATION:PT30M, DTSTAMP, UID, SEQUENCE,
DESCRIPTION); new table rows are BEA's row markup with the date, time and title swapped.
The HTML table shows times to the minute, as BEA's does, so an event at 14:21:37 appears
there as 9:21 AM (Eastern) while the ICS keeps the seconds.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape

from bea_tracker.demo.localbea.feed import EASTERN

logger = logging.getLogger(__name__)

_UID_NAMESPACE = uuid.UUID("5b0c4a53-6b1e-4f7a-9d5e-2f3d1c0b7a10")
_VEVENT = re.compile(r"BEGIN:VEVENT\n.*?END:VEVENT\n", re.DOTALL)
_DTSTART = re.compile(r"^DTSTART(?:;[^:]*)?:(\d{8}T\d{6})Z$", re.MULTILINE)
_ROW = re.compile(r"[ \t]*<tr class=\"scheduled-releases-type-(\w+)\">.*?</tr>\n", re.DOTALL)
_ROW_DATE = re.compile(r'release-date">([A-Za-z]+ \d+)</div>\s*<small class="text-muted">([^<]+)<')
_ROW_TITLE = re.compile(r'(<td class="release-title[^>]*>)(.*?)(\s*</td>)', re.DOTALL)
_YEAR = re.compile(r">Year (\d{4})</th>")


@dataclass(frozen=True)
class CalendarEntry:
    """A release the local BEA adds to its fake calendar (ICS and HTML table): ``title``
    and ``period`` as BEA writes them. What the scraper parses back out of that calendar
    is a :class:`db.records.ScheduledRelease`; what it stores is a ``db.models.ScheduleRow``.

    e.g. ``CalendarEntry("GDP (Advance Estimate)", "2nd Quarter 2026", starts_at)``;
    the calendar shows "GDP (Advance Estimate), 2nd Quarter 2026". ``category`` is
    "news" or "data" (the table's N / D icon). ``starts_at`` must be timezone-aware.
    """

    title: str
    period: str
    starts_at: datetime
    category: str = "news"

    def __post_init__(self) -> None:
        if self.starts_at.tzinfo is None:
            raise ValueError("starts_at must be timezone-aware")
        if self.category not in ("news", "data"):
            raise ValueError(f"category must be 'news' or 'data', not {self.category!r}")

    @property
    def summary(self) -> str:
        """The full release title, as in the calendar and the table."""
        return f"{self.title}, {self.period}" if self.period else self.title

    @property
    def uid(self) -> str:
        """Stable per title and period, so moving an event keeps its UID (a reschedule)."""
        return f"synthetic-{uuid.uuid5(_UID_NAMESPACE, self.summary)}"


def as_event(value: CalendarEntry | tuple) -> CalendarEntry:
    """Accept a CalendarEntry or a ``(title, period, starts_at[, category])`` tuple."""
    return value if isinstance(value, CalendarEntry) else CalendarEntry(*value)


def render_ics(real_ics: str, events: Iterable[CalendarEntry], *, keep_real: bool,
               now: datetime) -> str:
    """BEA's calendar with ``events`` (and, if ``keep_real``, its own), sorted by start."""
    first = _VEVENT.search(real_ics)
    if first is None:
        raise ValueError("bundled ICS has no VEVENT")
    head = real_ics[: first.start()]
    tail = real_ics[real_ics.rindex("END:VCALENDAR") :]
    blocks = [(_ics_start(b), b) for b in _VEVENT.findall(real_ics)] if keep_real else []
    blocks += [(e.starts_at.astimezone(timezone.utc), _vevent(e, now)) for e in events]
    blocks.sort(key=lambda pair: pair[0])
    return head + "".join(block for _, block in blocks) + tail


def _ics_start(block: str) -> datetime:
    match = _DTSTART.search(block)
    if match is None:
        return datetime.max.replace(tzinfo=timezone.utc)
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)


def _vevent(event: CalendarEntry, now: datetime) -> str:
    start = event.starts_at.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return (
        "BEGIN:VEVENT\n"
        f"SUMMARY:{_ics_escape(event.summary)}\n"
        f"DTSTART:{start}\n"
        "DURATION:PT30M\n"
        f"DTSTAMP:{stamp}\n"
        f"UID:{event.uid}\n"
        "SEQUENCE:0\n"
        "DESCRIPTION:www.bea.gov\n"
        "END:VEVENT\n"
    )


def _ics_escape(text: str) -> str:
    """RFC 5545 TEXT escaping, as BEA's SUMMARY lines use (``\\,``)."""
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        text = text.replace(raw, escaped)
    return text


def render_html(real_html: str, events: Iterable[CalendarEntry], *, keep_real: bool,
                postponed: Iterable[CalendarEntry] = ()) -> str:
    """BEA's schedule table with rows for ``events`` built from its own row markup.

    Dated rows are sorted by time; undated ("To Be Announced") real rows stay last.
    The header's "Year NNNN" becomes the year of the earliest dated row. ``postponed``
    rows keep their old date in the table, and a script after it marks them "To Be
    Rescheduled", as bea.gov does (synthesized: BEA's tab list and its ``updates`` script
    shape, copied from the 2025 shutdown schedule, around our rows).
    """
    postponed = list(postponed)
    events = [*events, *postponed]
    rows = list(_ROW.finditer(real_html))
    if not rows:
        raise ValueError("bundled schedule table has no rows")
    templates = {m.group(1): m.group(0) for m in rows if _ROW_DATE.search(m.group(0))}
    real_year = int(_YEAR.search(real_html).group(1))  # type: ignore[union-attr]
    dated: list[tuple[datetime, str]] = []
    undated: list[str] = []
    if keep_real:
        for match in rows:
            when = _row_time(match.group(0), real_year)
            (undated.append(match.group(0)) if when is None
             else dated.append((when, match.group(0))))
    for event in events:
        template = templates["press" if event.category == "news" else "data"]
        dated.append((event.starts_at.astimezone(EASTERN), _row(template, event)))
    dated.sort(key=lambda pair: pair[0])
    year = dated[0][0].year if dated else real_year
    if len({when.year for when, _ in dated}) > 1:
        logger.warning("schedule table spans several years; header shows only %s", year)
    body = "".join(row for _, row in dated) + "".join(undated)
    start, end = rows[0].start(), rows[-1].end()
    html = real_html[:start] + body + real_html[end:]
    html = _YEAR.sub(f">Year {year}</th>", html, count=1)
    if postponed:
        html = html.replace("</body>", _postponed_script(dated, postponed) + "</body>", 1)
    return html


_SHORT_MONTH = {5: "May", 6: "Jun.", 7: "Jul.", 9: "Sept."}  # BEA's monthMap; else "Jan."
_TABS = ('<ul class="tabs--primary nav nav-tabs"><li class="active"><a href="/news/schedule">'
         'Upcoming Releases</a></li><li><a href="/news/schedule/full">Full Schedule</a></li>'
         "</ul>\n")


def _postponed_script(dated: list[tuple[datetime, str]],
                      postponed: list[CalendarEntry]) -> str:
    """BEA's tab list and row-update script marking ``postponed`` "To Be Rescheduled"."""
    keys = [_ROW_DATE.search(row) for _, row in dated]
    dates = [m.group(1) if m else "" for m in keys]
    entries = []
    for event in postponed:
        local = event.starts_at.astimezone(EASTERN)
        day = f"{local:%B} {local.day}"
        mine = next(i for i, (when, row) in enumerate(dated) if when == local
                    and escape(event.summary, quote=False) in row)
        entries.append(
            "  {\n"
            f'    "target-date": "{day}",\n'
            f'    "occurrenceIndex": {dates[:mine].count(day)},\n'
            '    "replacement-releaseText": "To Be Rescheduled",\n'
            f'    "replacement-smallText": "(Orig. {_SHORT_MONTH.get(local.month, f"{local:%b}.")} '
            f'{local.day})",\n'
            '    "replacement-topText": null,\n'
            '    "row-disable": false,\n'
            '    "apply-to": null //Null is all, or any combo: ["Upcoming Releases", '
            '"2025 Schedule", "2026 Schedule"]\n'
            "  }")
    return (_TABS + '<script>\n document.addEventListener("DOMContentLoaded", () => {\n'
            "  const updates = [\n" + ",\n".join(entries) + "\n];\n"
            "  // (BEA's script then rewrites each target cell in the browser)\n"
            " });\n</script>\n")


def _row_time(row: str, year: int) -> datetime | None:
    match = _ROW_DATE.search(row)
    if match is None:
        return None
    text = f"{match.group(1)} {year} {match.group(2).strip()}"
    return datetime.strptime(text, "%B %d %Y %I:%M %p").replace(tzinfo=EASTERN)


def _row(template: str, event: CalendarEntry) -> str:
    local = event.starts_at.astimezone(EASTERN)
    day = f"{local:%B} {local.day}"
    clock = f"{local.hour % 12 or 12}:{local:%M} {local:%p}"
    row = _ROW_DATE.sub(
        lambda m: m.group(0).replace(m.group(1), day, 1).replace(m.group(2), clock, 1),
        template, count=1,
    )
    title = escape(event.summary, quote=False)
    return _ROW_TITLE.sub(lambda m: m.group(1) + title + m.group(3), row, count=1)
