"""BEA's home page "Principal Federal Economic Indicators" block, as figures.

The block gives the four headline numbers with their periods ("Gross Domestic Product
Q4 2023 (Adv) +3.3%", "Personal Income December 2023 +0.3%", "International Trade in
Goods and Services December 2023 -$62.2 B", "International Transactions Q3 2023 -$200.3
B"): a second source to cross-check a release page against (``crosscheck``). Read from
the page's text, so HTML and a text rendering both work.
"""

from __future__ import annotations

import logging
import re

from db import indicators
from db.records import FigureRecord
from scraper.extract.numbers import clean_text, parse_signed, scale
from scraper.extract.page import decode_html
from scraper.extract.periods import MONTH, period_from_text

logger = logging.getLogger(__name__)

_BLOCK = "Principal Federal Economic Indicators"
_NAMES = {  # the block's name -> (indicator, unit)
    "gross domestic product": ("real_gdp", "percent_saar"),
    "personal income": ("personal_income", "percent"),
    "international trade in goods and services": ("trade_balance", "usd_billions"),
    "international transactions": ("current_account_balance", "usd_billions"),
}
INDICATORS = frozenset(indicator for indicator, _ in _NAMES.values())  # what the block states
_ESTIMATES = {"adv": "advance", "init": "initial", "2nd": "second", "upd": "updated",
              "3rd": "third"}
_ENTRY_RE = re.compile(
    r"(?P<name>" + "|".join(_NAMES) + r")\s+(?P<period>Q[1-4]\s+\d{4}|" + MONTH + r"\s+\d{4})"
    r"\s*(?:\((?P<est>[A-Za-z0-9]+)\.?\))?\s*(?P<value>[-+]?\s?\$?\d[\d,]*(?:\.\d+)?\s?(?:%|B|T))",
    re.I)


def principal_indicators(document: str | bytes) -> tuple[FigureRecord, ...]:
    """The figures of the home page's indicator block (empty when the block is absent)."""
    text = clean_text(re.sub(r"<[^>]+>", " ", decode_html(document)))
    start = text.find(_BLOCK)
    if start < 0:
        return ()
    block = text[start:start + 1500]
    figures = []
    for m in _ENTRY_RE.finditer(block):
        indicator, unit = _NAMES[m["name"].lower()]
        parsed = parse_signed(m["value"].replace(" ", ""))
        period = period_from_text(m["period"])
        if parsed is None or period is None:
            continue
        value, word = parsed
        if unit.startswith("usd_"):
            value = scale(value, word, unit)
        estimate = _ESTIMATES.get((m["est"] or "").lower()[:4].rstrip("."), None)
        figures.append(FigureRecord(indicator, indicators.label(indicator), period, estimate,
                                    value, unit))
    return tuple(figures)
