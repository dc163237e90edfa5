"""U.S. International Trade in Goods and Services (monthly, with the Census Bureau).

BEA words the balance as a deficit ("The deficit increased from $71.2 billion in June
(revised) to $88.6 billion in July"); it is stored negative, as BEA's own feed does
("-$88.6 billion"). Exports and imports are levels ("July exports were $280.5 billion").

"December and Annual 2024" releases state the month (the headline, under ``2024-12``) and the
year ("For 2024, the goods and services deficit increased $133.5 billion ... Exports
increased $119.8 billion"), stored under ``2024`` as changes, or as the annual balance
where BEA states it ("decreased from $951.2 billion in 2022 to $773.4 billion in 2023").
"""

from __future__ import annotations

import logging
import re

from db.records import FigureRecord
from scraper.extract.base import Family, FamilyResult, FeedMap, make, read_estimate, row_numbers
from scraper.extract.numbers import DOLLARS, clean_text, dollar_match_value
from scraper.extract.page import ReleasePage
from scraper.extract.periods import MONTH, period_from_text, previous_period, title_periods

logger = logging.getLogger(__name__)

_D = DOLLARS.replace("?P<sign>", "?:").replace("?P<num>", "?:").replace("?P<scale>", "?:")
_MONTH = MONTH
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
    m = re.search(rf"{_MONTH} {word} were (?P<now>{_D})", text, re.I) or re.search(
        rf"{word} of goods and services (?:increased|decreased) {_D}(?:, or [\d.]+ percent,)? "
        rf"in {_MONTH} to (?P<now>{_D})", text, re.I)
    value = _value(m.group("now")) if m else None
    if value is None:
        cells = row_numbers(tables, word)
        value = cells[-1] if cells else None
    return make(key, word.capitalize(), period, estimate, value, "usd_billions")


_ANNUAL_CHANGE_RE = re.compile(
    rf"For (?P<year>\d{{4}}), the goods and services (?P<kind>deficit|surplus) "
    rf"(?P<verb>increased|decreased) (?P<amount>{_D})", re.I)
_ANNUAL_FLOW_RE = r"\b{word} (?P<verb>increased|decreased) (?P<amount>" + _D + ")"
_ANNUAL_LEVEL_RE = re.compile(
    rf"goods and services (?:trade )?(?P<kind>deficit|surplus) (?:increased|decreased) from "
    rf"(?P<before>{_D}) in (?P<y0>\d{{4}}) to (?P<now>{_D}) in (?P<year>\d{{4}})", re.I)


def _parse_annual(text: str, year: str, result: FamilyResult) -> None:
    """The year's figures of a "Month and Annual" release, under the year."""
    m = _ANNUAL_LEVEL_RE.search(text)
    if m and m.group("year") == year:
        sign = -1.0 if m.group("kind").lower() == "deficit" else 1.0
        now, before = _value(m.group("now")), _value(m.group("before"))
        result.add(make("trade_balance", None, year, None,
                        None if now is None else sign * abs(now), "usd_billions",
                        None if before is None else sign * abs(before), m.group("y0")))
    m = _ANNUAL_CHANGE_RE.search(text)
    if not m or m.group("year") != year:
        return
    grew = m.group("verb").lower() == "increased"
    deficit = m.group("kind").lower() == "deficit"
    change = abs(_value(m.group("amount")) or 0.0) * (1 if grew != deficit else -1)
    result.add(make("trade_balance_change", None, year, None, change, "usd_billions"))
    rest = text[m.end():m.end() + 400]
    for key, word in (("exports_change", "Exports"), ("imports_change", "Imports")):
        f = re.search(_ANNUAL_FLOW_RE.format(word=word), rest)
        if f:
            sign = 1.0 if f.group("verb").lower() == "increased" else -1.0
            result.add(make(key, None, year, None, sign * abs(_value(f.group("amount")) or 0.0),
                            "usd_billions"))


def extract(page: ReleasePage, title: str) -> FamilyResult:
    """Trade balance, exports and imports of a monthly (or "Month and Annual") release."""
    text = clean_text(page.text())
    periods = title_periods(title)
    months = [p for p in periods if "-" in p]
    period = (months[-1] if months else periods[-1] if periods else None) or \
        period_from_text(text[:400])
    estimate = read_estimate(title)
    result = FamilyResult(expected=("trade_balance",))
    if period is None:
        result.problems.append("reference month not found in the title or lead")
    result.add(_parse_balance(text, period, estimate))
    for key, word in (("exports", "exports"), ("imports", "imports")):
        result.add(_parse_flow(text, key, word, period, estimate, page.tables))
    if months:  # "For 2020, the goods and services deficit increased ...": December's
        _parse_annual(text, months[-1][:4], result)  # release states the year too
    return result


FAMILY = Family(
    name="trade",
    title=re.compile(r"^(?:u\.?s\.? )?international trade in goods and services\b"
                     r"|^\w+ \d{4} trade gap is\b", re.I),
    url=re.compile(r"/us-international-trade-goods-and-services-"),
    extract=extract,
    series="U.S. International Trade in Goods and Services",
    feed=FeedMap(main=("trade_balance", "usd_billions", "percentChange")),
)
