"""Number and phrase helpers shared by every extractor.

BEA writes minus signs as U+2013 (en dash) or U+2212, puts U+00A0 between words, and
states changes in a handful of fixed phrases ("increased at an annual rate of 1.5 percent",
"decreased 0.3 percent", "$115.1 billion", "–$21.27 trillion"). Keeping the patterns in one
module means a wording change at BEA is fixed once.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

_DASHES = ("\u2013", "\u2212", "\u2014", "\u2012")

NUM = r"[-+]?\d[\d,]*(?:\.\d+)?"
DOLLARS = (
    r"(?P<sign>[-+])?\s?\$\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s?(?P<scale>billion|trillion|million)"
)
_DOLLARS_RE = re.compile(DOLLARS, re.I)
_UP = r"increased|rose|grew|increase|up|widened"
_DOWN = r"decreased|fell|declined|decrease|down|narrowed"
# "increased at an annual rate of 1.5 percent", "decreased 0.3 percent", "was 3.0 percent"
_CHANGE_RE = re.compile(
    rf"\b(?P<verb>{_UP}|{_DOWN}|was|were)"
    rf"(?:\s+at\s+an\s+annual\s+rate)?(?:\s+(?:of|by))?\s+(?P<num>{NUM})\s?(?:percent|%)",
    re.I,
)
_VERSUS = r"(?:compared\s+with|in\s+contrast\s+to)\s+(?:an?\s+)?(?P<verb>increase|decrease)\s+of\s+"
# "compared with an increase of 1.7 percent", "in contrast to a decrease of 0.2 percent"
_COMPARED_RE = re.compile(rf"{_VERSUS}(?P<num>{NUM})\s?percent", re.I)
# "increased $65.8 billion", "decreased $0.9 billion"
_DOLLAR_CHANGE_RE = re.compile(
    rf"\b(?P<verb>{_UP}|{_DOWN})(?:\s+by)?\s+\$\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s?"
    r"(?P<scale>billion|trillion|million)",
    re.I,
)
_COMPARED_DOLLARS_RE = re.compile(
    rf"{_VERSUS}\$\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s?(?P<scale>billion|trillion|million)", re.I
)
_PRIOR_RE = re.compile(
    rf"\bin the (?:first|second|third|fourth) quarter(?: of \d{{4}})?,\s+real GDP\s+"
    rf"(?P<verb>increased|decreased|rose|fell|grew|declined)\s+(?P<num>{NUM})\s?percent"
    rf"|\bfollowing an? (?P<verb2>increase|decrease) of (?P<num2>{NUM})\s?percent in the "
    rf"(?:first|second|third|fourth) quarter",
    re.I,
)
_SIGNED_RE = re.compile(
    r"(?P<sign>[-+])?\s?\$?\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s?"
    r"(?P<scale>billion|trillion|million|bln|b|t|%)?\s*$",
    re.I,
)


def clean_text(text: str | None) -> str:
    """Collapse whitespace (incl. NBSP) and map BEA's dash-minus signs to ASCII '-'."""
    if not text:
        return ""
    for dash in _DASHES:
        if dash in text:
            text = text.replace(dash, "-")
    if "\u200b" in text:
        text = text.replace("\u200b", "")
    return " ".join(text.split())  # str.split() also splits on U+00A0 and thin spaces


def to_float(num: str) -> float:
    """'1,234.5' -> 1234.5 (raises ValueError on junk, callers catch it)."""
    return float(num.replace(",", ""))


def _signed(verb: str, num: str) -> float:
    value = to_float(num)
    if re.fullmatch(_DOWN, verb.split()[-1], re.I):
        return -abs(value)
    return value


def percent_change(text: str) -> float | None:
    """First 'increased/decreased [at an annual rate of] X percent' in ``text``, signed."""
    m = _CHANGE_RE.search(clean_text(text))
    return _signed(m.group("verb"), m.group("num")) if m else None


def compared_percent(text: str) -> float | None:
    """The prior-period change in 'compared with an increase of X percent', signed."""
    m = _COMPARED_RE.search(clean_text(text))
    return _signed(m.group("verb"), m.group("num")) if m else None


def prior_gdp_change(text: str) -> float | None:
    """'In the first quarter, real GDP increased 2.1 percent' -> 2.1 (signed)."""
    m = _PRIOR_RE.search(clean_text(text))
    if not m:
        return None
    return _signed(m["verb"], m["num"]) if m["verb"] else _signed(m["verb2"], m["num2"])


def dollar_change(text: str, unit: str = "usd_billions") -> float | None:
    """First 'increased/decreased $X billion' in ``text``, signed, in ``unit``."""
    m = _DOLLAR_CHANGE_RE.search(clean_text(text))
    if not m:
        return None
    return scale(_signed(m["verb"], m["num"]), m["scale"], unit)


def compared_dollars(text: str, unit: str = "usd_billions") -> float | None:
    """The prior change in 'compared with / in contrast to a decrease of $X billion'."""
    m = _COMPARED_DOLLARS_RE.search(clean_text(text))
    if not m:
        return None
    return scale(_signed(m["verb"], m["num"]), m["scale"], unit)


def dollars(text: str, unit: str = "usd_billions") -> float | None:
    """First '$115.1 billion' / '-$21.27 trillion' in ``text``, scaled to ``unit``."""
    m = _DOLLARS_RE.search(clean_text(text))
    return dollar_match_value(m, unit) if m else None


def dollar_match_value(m: re.Match[str], unit: str = "usd_billions") -> float:
    """Turn a DOLLARS match into a number in ``unit`` (usd_billions or usd_trillions)."""
    value = to_float(m.group("num"))
    if m.group("sign") == "-":
        value = -value
    return scale(value, m.group("scale"), unit)


def scale(value: float, scale_word: str | None, unit: str) -> float:
    """Rescale a dollar amount stated in ``scale_word`` to ``unit``; rounds off float noise."""
    factor = {"million": 1e-3, "billion": 1.0, "b": 1.0, "bln": 1.0, "trillion": 1e3, "t": 1e3}
    billions = value * factor.get((scale_word or "billion").lower(), 1.0)
    result = billions / 1e3 if unit == "usd_trillions" else billions
    return round(result, 6)


def parse_signed(text: str | None) -> tuple[float, str | None] | None:
    """Parse a feed value such as '+1.5', '+0.2%', 'May 2026 +0.7%', '-$88.6 billion'.

    Returns (value, scale) where scale is 'billion', 'trillion', '%' or None, or None when
    there is no number. A leading label ("May 2026", "End of Q1 2026:") is ignored: only
    the last number in the text counts.
    """
    text = clean_text(text)
    if not text:
        return None
    m = _SIGNED_RE.search(text)
    if not m:
        return None
    try:
        value = to_float(m.group("num"))
    except ValueError:
        return None
    if m.group("sign") == "-":
        value = -value
    word = (m.group("scale") or "").lower()
    canonical = {"b": "billion", "bln": "billion", "t": "trillion"}.get(word, word or None)
    return value, canonical
