"""What a BEA release title says: family, estimate, reference period, series name.

Release pages, feed items and schedule rows all carry titles like
"GDP (Second Estimate) and Corporate Profits, 2nd Quarter 2026"; reading them in one place
keeps the three parsers agreeing on periods ("2026Q2", "2026-07", "2026") and estimates.
"""

from __future__ import annotations

import logging
import re

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
_ORDINALS = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
             "first": 1, "second": 2, "third": 3, "fourth": 4}
_MONTH_RE = re.compile(r"\b(" + "|".join(MONTHS) + r")\.?\s+(?:\d{1,2},?\s+)?(\d{4})\b", re.I)
_QUARTER_RE = re.compile(
    r"\b(1st|2nd|3rd|4th|first|second|third|fourth)\s+quarter(?:\s+and\s+year)?(?:\s+of)?,?\s+(\d{4})",
    re.I,
)
_QN_RE = re.compile(r"\bQ([1-4])\s*(\d{4})\b|\b(\d{4})\s*:?\s*Q([1-4])\b", re.I)
_YEAR_RE = re.compile(r"\b(19\d{2}|20\d{2})\b")

FAMILY_GDP = "gdp"
FAMILY_PIO = "pio"
FAMILY_TRADE = "trade"
FAMILY_ITA = "ita"

_FAMILY_TITLES = (
    (FAMILY_PIO, re.compile(r"^personal income and outlays\b", re.I)),
    (FAMILY_TRADE, re.compile(r"^u\.?s\.? international trade in goods and services\b", re.I)),
    (FAMILY_ITA, re.compile(r"^u\.?s\.? international (transactions|investment position)\b", re.I)),
    (FAMILY_GDP, re.compile(r"^(gdp|gross domestic product)\b(?!\s+(by|for|of)\b)", re.I)),
)
_FAMILY_SLUGS = (
    (FAMILY_PIO, re.compile(r"/personal-income-and-outlays-")),
    (FAMILY_TRADE, re.compile(r"/us-international-trade-goods-and-services-")),
    (FAMILY_ITA, re.compile(r"/us-international-(transactions|investment-position)-")),
    (FAMILY_GDP, re.compile(r"/(gdp|gross-domestic-product)-(?!(state|county|industry|metro"
                            r"|puerto|guam|american|us-virgin|commonwealth|cnmi|for)\b)")),
)
SERIES_NAMES = {
    FAMILY_GDP: "GDP",
    FAMILY_PIO: "Personal Income and Outlays",
    FAMILY_TRADE: "U.S. International Trade in Goods and Services",
}
_ESTIMATES = (
    ("advance", re.compile(r"\b(advance|initial)\s+estimate|\(adv\)", re.I)),
    ("second", re.compile(r"\bsecond\s+estimate|\(2nd\)", re.I)),
    ("third", re.compile(r"\bthird\s+estimate|\(3rd\)", re.I)),
    ("revised", re.compile(r"\bupdated\s+estimate", re.I)),
    ("annual_update", re.compile(r"\b(annual|comprehensive)\s+update\b", re.I)),
)
_VINTAGES = {"adv": "advance", "advance": "advance", "1st": "advance", "2nd": "second",
             "second": "second", "3rd": "third", "third": "third"}


def period_from_text(text: str | None) -> str | None:
    """'2nd Quarter 2026'/'Q2 2026'/'second quarter of 2026' -> '2026Q2'; 'July 2026' ->
    '2026-07'; '2025' -> '2025'. Quarters win over months, months over bare years."""
    text = clean_text(text)
    if not text:
        return None
    if m := _QUARTER_RE.search(text):
        return f"{m.group(2)}Q{_ORDINALS[m.group(1).lower()]}"
    if m := _QN_RE.search(text):
        year, q = (m.group(2), m.group(1)) if m.group(1) else (m.group(3), m.group(4))
        return f"{year}Q{q}"
    if m := _MONTH_RE.search(text):
        return f"{m.group(2)}-{MONTHS[m.group(1).lower()]:02d}"
    if m := _YEAR_RE.search(text):
        return m.group(1)
    return None


def previous_period(period: str | None) -> str | None:
    """The period before ``period`` in the same frequency ('2026Q1' -> '2025Q4')."""
    if not period:
        return None
    if m := re.fullmatch(r"(\d{4})Q([1-4])", period):
        year, q = int(m.group(1)), int(m.group(2))
        return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        year, month = int(m.group(1)), int(m.group(2))
        return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    if re.fullmatch(r"\d{4}", period):
        return str(int(period) - 1)
    return None


def estimate_from_title(title: str | None, vintage: str | None = None) -> str | None:
    """'GDP (Second Estimate) ...' -> 'second'; feed vintage '2nd' when the title is silent."""
    title = clean_text(title)
    for name, pattern in _ESTIMATES:
        if pattern.search(title):
            return name
    return _VINTAGES.get(clean_text(vintage).lower()) if vintage else None


def family_of(title: str | None, url: str | None = None) -> str | None:
    """Which extractor family a release belongs to, from its title, else its URL."""
    title = clean_text(title)
    for family, pattern in _FAMILY_TITLES:
        if title and pattern.search(title):
            return family
    for family, pattern in _FAMILY_SLUGS:
        if url and pattern.search(url.lower()):
            return family
    return None


def _is_period_part(part: str) -> bool:
    return bool(_YEAR_RE.search(part)) or bool(re.fullmatch(r"annual update", part, re.I))


def split_title_period(title: str | None) -> tuple[str, str | None]:
    """'GDP (Advance Estimate), 3rd Quarter 2026' -> ('GDP (Advance Estimate)', '3rd Quarter 2026').

    The period starts at the first comma-separated part (after the first) that holds a
    year or says "Annual Update"; everything from there on is the period text.
    """
    title = clean_text(title)
    parts = title.split(", ")
    for i in range(1, len(parts)):
        if _is_period_part(parts[i]):
            return ", ".join(parts[:i]), ", ".join(parts[i:])
    return title, None


def canonical_series(name_or_title: str | None) -> str | None:
    """A stable series name: the family's name for the big four, else the title sans period."""
    name = clean_text(name_or_title)
    if not name:
        return None
    family = family_of(name)
    if family in SERIES_NAMES:
        return SERIES_NAMES[family]
    return split_title_period(name)[0] or None
