"""U.S. International Trade in Goods and Services (monthly, with the Census Bureau).

BEA words the balance as a deficit ("The deficit increased from $71.2 billion in June
(revised) to $88.6 billion in July"); it is stored negative, as BEA's own feed does
("-$88.6 billion"). Exports and imports are levels ("July exports were $280.5 billion").
"""

from __future__ import annotations

import logging
import re

from db.records import FigureRecord
from scraper.extract.base import FamilyResult, make, row_numbers
from scraper.extract.numbers import DOLLARS, clean_text, dollar_match_value
from scraper.extract.page import ReleasePage
from scraper.extract.titles import MONTHS, estimate_from_title, period_from_text, previous_period

logger = logging.getLogger(__name__)

_D = DOLLARS.replace("?P<sign>", "?:").replace("?P<num>", "?:").replace("?P<scale>", "?:")
_MONTH = r"(?:" + "|".join(MONTHS) + r")"
# "The deficit increased from $71.2 billion in June (revised) to $88.6 billion in July"
_FROM_TO_RE = re.compile(
    rf"(?P<kind>deficit|surplus) (?:increased|decreased|widened|narrowed) from "
    rf"(?P<before>{_D}) in {_MONTH}(?: \(revised\))? to (?P<now>{_D})",
    re.I,
)
# "the goods and services deficit was $55.2 billion in June, down $0.2 billion from
# $55.3 billion in May, revised"
_WAS_RE = re.compile(
    rf"goods and services (?P<kind>deficit|surplus) was (?P<now>{_D}) in {_MONTH}, "
    rf"(?:up|down) {_D} from (?P<before>{_D})",
    re.I,
)


def _value(text: str) -> float | None:
    m = re.search(DOLLARS, text, re.I)
    return dollar_match_value(m) if m else None


def _parse_balance(text: str, period: str | None, estimate: str | None) -> FigureRecord | None:
    m = _FROM_TO_RE.search(text) or _WAS_RE.search(text)
    if not m:
        return None
    sign = -1.0 if m.group("kind").lower() == "deficit" else 1.0
    now, before = _value(m.group("now")), _value(m.group("before"))
    return make("trade_balance", "Goods and services trade balance", period, estimate,
                None if now is None else sign * abs(now), "usd_billions",
                None if before is None else sign * abs(before), previous_period(period))


def _parse_flow(text: str, key: str, word: str, period: str | None,
                estimate: str | None, tables: tuple) -> FigureRecord | None:
    """'July exports were $280.5 billion' (else a table row named Exports/Imports)."""
    m = re.search(rf"{_MONTH} {word} were (?P<now>{_D})", text, re.I)
    value = _value(m.group("now")) if m else None
    if value is None:
        cells = row_numbers(tables, word)
        value = cells[-1] if cells else None
    return make(key, word.capitalize(), period, estimate, value, "usd_billions")


def extract(page: ReleasePage, title: str) -> FamilyResult:
    """Trade balance, exports and imports of a monthly trade release."""
    text = clean_text(page.text())
    period = period_from_text(title) or period_from_text(text[:400])
    estimate = estimate_from_title(title)
    result = FamilyResult(expected=("trade_balance",))
    if period is None:
        result.problems.append("reference month not found in the title or lead")
    result.add(_parse_balance(text, period, estimate))
    for key, word in (("exports", "exports"), ("imports", "imports")):
        result.add(_parse_flow(text, key, word, period, estimate, page.tables))
    return result
