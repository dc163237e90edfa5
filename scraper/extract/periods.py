"""The one period and date reader: BEA's words for quarters, months, years and days.

Release titles, leads, feed ``<data>`` and schedule rows all name periods ("2nd Quarter
2026", "Q2 2026", "second quarter of 2026", "July 2026", "October and November 2025",
"December and Annual 2024", "2025"); every parser reads them here, so they agree on the
stored forms ``2026Q2``, ``2026-07`` and ``2026``.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from scraper.extract.numbers import clean_text

logger = logging.getLogger(__name__)

MONTHS = {
    name: i
    for i, name in enumerate(
        "january february march april may june july august september october november "
        "december".split(),
        start=1,
    )
}
MONTH = r"(?:" + "|".join(MONTHS) + r")"
ORDINALS = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "first": 1, "second": 2, "third": 3,
            "fourth": 4}
ORDINAL = r"(?:1st|2nd|3rd|4th|first|second|third|fourth)"

_MONTH_RE = re.compile(rf"\b({MONTH})\.?\s+(?:\d{{1,2}},?\s+)?(\d{{4}})\b", re.I)
_QUARTER_RE = re.compile(
    rf"\b({ORDINAL})\s+quarter(?:\s+and\s+(?:year|annual))?(?:\s+of)?,?\s+(\d{{4}})", re.I)
_QN_RE = re.compile(r"\bQ([1-4])\s*(\d{4})\b|\b(\d{4})\s*:?\s*Q([1-4])\b", re.I)
_YEAR_RE = re.compile(r"\b(19\d{2}|20\d{2})\b")
_DATE_RE = re.compile(rf"\b({MONTH})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I)
# "October and November 2025", "December and Annual 2024", "4th Quarter and Year 2025"
_TWO_MONTHS_RE = re.compile(rf"\b({MONTH})\s+and\s+({MONTH})\s+(\d{{4}})\b", re.I)
_MONTH_AND_ANNUAL_RE = re.compile(rf"\b({MONTH})\s+and\s+(?:annual|year)\s+(\d{{4}})\b", re.I)
_QUARTER_AND_ANNUAL_RE = re.compile(
    rf"\b({ORDINAL})\s+quarter\s+(?:and\s+(?:year|annual)|and\s+preliminary)\s+(\d{{4}})", re.I)


def month(name: str, year: int | str) -> str:
    """('July', 2026) -> '2026-07'."""
    return f"{int(year)}-{MONTHS[name.lower().rstrip('.')]:02d}"


def quarter(ordinal: str, year: int | str) -> str:
    """('2nd', 2026) -> '2026Q2'."""
    return f"{int(year)}Q{ORDINALS[ordinal.lower()]}"


def period_from_text(text: str | None) -> str | None:
    """'2nd Quarter 2026'/'Q2 2026'/'second quarter of 2026' -> '2026Q2'; 'July 2026' ->
    '2026-07'; '2025' -> '2025'. Quarters win over months, months over bare years."""
    text = clean_text(text)
    if not text:
        return None
    if m := _QUARTER_RE.search(text):
        return quarter(m.group(1), m.group(2))
    if m := _QN_RE.search(text):
        year, q = (m.group(2), m.group(1)) if m.group(1) else (m.group(3), m.group(4))
        return f"{year}Q{q}"
    if m := _MONTH_RE.search(text):
        return month(m.group(1), m.group(2))
    if m := _YEAR_RE.search(text):
        return m.group(1)
    return None


def title_periods(title: str | None) -> tuple[str, ...]:
    """Every period a release title names, oldest first; the last is the headline.

    'Personal Income and Outlays, October and November 2025' -> ('2025-10', '2025-11');
    '... December and Annual 2024' -> ('2024', '2024-12') (the month is the headline);
    '... 4th Quarter and Year 2025' -> ('2025', '2025Q4'); else the one period, or ().
    """
    text = clean_text(title)
    if m := _TWO_MONTHS_RE.search(text):
        return month(m.group(1), m.group(3)), month(m.group(2), m.group(3))
    if m := _MONTH_AND_ANNUAL_RE.search(text):
        return m.group(2), month(m.group(1), m.group(2))
    if m := _QUARTER_AND_ANNUAL_RE.search(text):
        return m.group(2), quarter(m.group(1), m.group(2))
    one = period_from_text(text)
    return (one,) if one else ()


def previous_period(period: str | None) -> str | None:
    """The period before ``period`` in the same frequency ('2026Q1' -> '2025Q4')."""
    if not period:
        return None
    if m := re.fullmatch(r"(\d{4})Q([1-4])", period):
        year, q = int(m.group(1)), int(m.group(2))
        return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        year, mon = int(m.group(1)), int(m.group(2))
        return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"
    if re.fullmatch(r"\d{4}", period):
        return str(int(period) - 1)
    return None


def period_sort_key(period: str) -> tuple[int, int, int]:
    """Order periods in time; within a year the annual figure sorts before its months."""
    if m := re.fullmatch(r"(\d{4})Q([1-4])", period):
        return int(m.group(1)), int(m.group(2)) * 3, 1
    if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        return int(m.group(1)), int(m.group(2)), 0
    if m := re.fullmatch(r"(\d{4})", period):
        return int(m.group(1)), 0, 0
    return 0, 0, 0


def has_year(text: str) -> bool:
    return bool(_YEAR_RE.search(text))


def parse_date(text: str | None) -> date | None:
    """First 'July 30, 2026' (or 'April 09 2026') in ``text`` as a date."""
    m = _DATE_RE.search(clean_text(text))
    if not m:
        return None
    try:
        return date(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
    except ValueError:
        return None
