"""Metadata every BEA release page has: title, release time, number, lead, next release.

One small ``_parse_<field>()`` per field, each reading the ``ReleasePage`` and falling back
to a search of the raw HTML where BEA has moved things around before.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from scraper.extract.numbers import clean_text
from scraper.extract.page import ReleasePage
from scraper.extract.periods import parse_date

logger = logging.getLogger(__name__)

NEW_YORK = ZoneInfo("America/New_York")

_TIME_RE = re.compile(r"\b(\d{1,2}):(\d{2})\s*([ap])\.?\s?m\.?(?:\s*(E[DS]T))?", re.I)
_EMBARGO_RE = re.compile(
    r"EMBARGOED\s+UNTIL\s+RELEASE\s+AT\s+[^<]{0,80}?\d{4}"
    r"|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,\s+\w+\s+\d{1,2},\s+\d{4},\s+\d{1,2}:\d{2}\s*[ap]\.?m\.?\s*E[DS]T",
    re.I,
)
_NUMBER_RE = re.compile(r"\bBEA\s*(\d{2})\s*[-\u2010-\u2015\u2212]\s*(\d{1,3})\b")
_NEXT_RE = re.compile(r"Next release:?\s*(.{0,40}?\d{4})", re.I)
_NOTICE_RE = re.compile(r"^(ERRATA|CORRECTION|UPDATE|NOTICE|NOTE)\b", re.I)
_LEAD_RE = re.compile(r"according to|released today|Bureau of Economic Analysis", re.I)


@dataclass
class GenericFields:
    """The family-independent fields of a release page."""

    title: str | None = None
    released_at: datetime | None = None
    release_number: str | None = None
    lead: str | None = None
    next_release: date | None = None
    problems: list[str] = field(default_factory=list)


def parse_release_time(text: str | None) -> tuple[datetime | None, str | None]:
    """'8:30 a.m. EDT, Thursday, July 30, 2026' (either order) -> aware New York datetime.

    Returns (datetime, problem): the wall-clock time is taken as New York time; a zone
    label that disagrees with the date's real offset is reported, not trusted.
    """
    day = parse_date(text)
    m = _TIME_RE.search(clean_text(text))
    if day is None or m is None:
        return None, "release date/time not found in the embargo line"
    hour, minute = int(m.group(1)) % 12, int(m.group(2))
    if m.group(3).lower() == "p":
        hour += 12
    if minute > 59:
        return None, f"impossible release time {m.group(0)!r}"
    when = datetime(day.year, day.month, day.day, hour, minute, tzinfo=NEW_YORK)
    label = (m.group(4) or "").upper()
    if label and when.tzname() != label:
        return when, f"release time says {label} but New York is on {when.tzname()} that day"
    return when, None


def _parse_title(page: ReleasePage, out: GenericFields) -> None:
    out.title = page.title
    if not out.title:
        out.problems.append("no release title")


def _parse_released_at(page: ReleasePage, out: GenericFields) -> None:
    line = page.date_line
    if not line:
        m = _EMBARGO_RE.search(page.raw)
        line = m.group(0) if m else None
        if line:
            out.problems.append("embargo line not in its usual place; found it in the page text")
    if not line:
        out.problems.append("no release date (embargo line) found")
        return
    out.released_at, problem = parse_release_time(line)
    if problem:
        out.problems.append(problem)


def _parse_release_number(page: ReleasePage, out: GenericFields) -> None:
    m = _NUMBER_RE.search(page.number_text or "") or _NUMBER_RE.search(page.raw)
    if m:
        out.release_number = f"BEA {m.group(1)}-{m.group(2)}"
    else:
        out.problems.append("no release number (BEA YY-NN) found")


def _parse_lead(page: ReleasePage, out: GenericFields) -> None:
    """The headline paragraph: the first substantive one, skipping errata notices."""
    candidates = [p for p in page.paragraphs if len(p) > 40 and not _NOTICE_RE.match(p)]
    lead = next((p for p in candidates[:6] if _LEAD_RE.search(p)), None)
    out.lead = lead or (candidates[0] if candidates else None)
    if out.lead is None:
        out.problems.append("no lead paragraph found")


def _parse_next_release(page: ReleasePage, out: GenericFields) -> None:
    for para in reversed(page.paragraphs):
        m = _NEXT_RE.search(para)
        if m:
            out.next_release = parse_date(m.group(1))
            if out.next_release is None:
                out.problems.append(f"next release date not understood: {m.group(1)!r}")
            return


def extract_generic(page: ReleasePage) -> GenericFields:
    """Run every field parser on ``page``; missing fields become problems, never errors."""
    out = GenericFields()
    for parse in (_parse_title, _parse_released_at, _parse_release_number, _parse_lead,
                  _parse_next_release):
        parse(page, out)
    return out
