"""How figures, periods and times read in an alert.

BEA writes "+1.5 percent", "-$88.6 billion", "-$21.27 trillion"; alerts say the same thing
in a compact form, with the number of decimals BEA gave.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime

logger = logging.getLogger(__name__)

_SIGNED_PERCENT_UNITS = ("percent_saar", "percent", "percent_yoy")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
_QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_ESTIMATE_LABELS = {
    "advance": "advance estimate",
    "initial": "initial estimate",
    "second": "second estimate",
    "updated": "updated estimate",
    "third": "third estimate",
    "annual_update": "annual update",
    "revised": "revised",
}
_SPACE_RE = re.compile(r"\s+")


def format_number(value: float) -> str:
    """A number with BEA's decimals (at least one), thousands separators, minus sign only."""
    magnitude = round(abs(value), 4)
    digits = f"{magnitude:.4f}".rstrip("0").split(".")[1]
    decimals = max(1, len(digits))
    sign = "-" if value < 0 and magnitude != 0 else ""
    return f"{sign}{magnitude:,.{decimals}f}"


def format_value(value: float, unit: str) -> str:
    """``+1.5%`` for rates of change, ``4.4%`` for levels, ``-$88.6 billion`` for dollars."""
    number = format_number(value)
    if unit in _SIGNED_PERCENT_UNITS:
        return f"{number}%" if number.startswith("-") else f"+{number}%"
    if unit == "percent_level":
        return f"{number}%"
    if unit in ("usd_billions", "usd_trillions"):
        scale = "billion" if unit == "usd_billions" else "trillion"
        sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
        return f"{sign}${digits} {scale}"
    logger.debug("unknown unit %r; showing the bare number", unit)
    return number


def format_period(period: str | None) -> str:
    """``2026Q2`` -> ``Q2 2026``, ``2026-07`` -> ``July 2026``; anything else unchanged."""
    if not period:
        return ""
    quarter = _QUARTER_RE.match(period)
    if quarter:
        return f"Q{quarter.group(2)} {quarter.group(1)}"
    month = _MONTH_RE.match(period)
    if month and 1 <= int(month.group(2)) <= 12:
        return f"{_MONTHS[int(month.group(2)) - 1]} {month.group(1)}"
    return period


def estimate_label(estimate: str | None) -> str | None:
    """``second`` -> ``second estimate``, for sentences; None stays None."""
    if not estimate:
        return None
    return _ESTIMATE_LABELS.get(estimate, estimate.replace("_", " "))


def estimate_short(estimate: str | None) -> str | None:
    """``annual_update`` -> ``annual update``, for subjects."""
    return estimate.replace("_", " ") if estimate else None


def format_when(moment: datetime | None) -> str:
    """``Wed Aug 26, 2026, 8:30 AM EDT`` in the datetime's own zone (BEA's is New York)."""
    if moment is None:
        return "unknown time"
    hour = moment.hour % 12 or 12
    text = f"{moment:%a %b} {moment.day}, {moment.year}, {hour}:{moment:%M %p}"
    zone = moment.tzname()
    return f"{text} {zone}" if zone else text


def format_date(day: date | None) -> str:
    """``October 6, 2026``."""
    if day is None:
        return ""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def one_line(text: str | None, limit: int = 200) -> str:
    """Collapse whitespace (no header injection) and cut to ``limit`` characters."""
    flat = _SPACE_RE.sub(" ", text or "").strip()
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rstrip() + "\u2026"


def format_change(change: float, unit: str) -> str:
    """A revision's size: ``+0.1 percentage point`` for rates, ``+$0.3 billion`` for dollars."""
    if unit in _SIGNED_PERCENT_UNITS or unit == "percent_level":
        number = format_number(change)
        signed = number if number.startswith("-") else f"+{number}"
        return f"{signed} percentage point"  # BEA's usage, singular at any size
    text = format_value(change, unit)
    return text if text.startswith(("-", "+")) else f"+{text}"
