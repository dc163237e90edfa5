"""GDP releases: advance, initial, second, updated and third estimates, annual and
comprehensive updates, with corporate profits and GDI.

"Initial" and "Updated" are BEA's names for the releases that replaced advance/second and
third after the 2025 shutdown ("GDP (Initial Estimate), 3rd Quarter 2025").

Headline sentences come first (they carry the prior quarter: "In the first quarter, real
GDP increased 2.1 percent"); the "Real GDP and Related Measures" table is the fallback for
values the text does not state, such as current-dollar GDP in the advance release.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from db.records import FigureRecord
from scraper.extract.base import (
    Family,
    FamilyResult,
    FeedMap,
    clause,
    find_paragraph,
    make,
    read_estimate,
    row_numbers,
)
from scraper.extract.numbers import (
    DOLLARS,
    NUM,
    compared_dollars,
    compared_percent,
    dollar_change,
    dollars,
    percent_change,
    prior_gdp_change,
)
from scraper.extract.page import ReleasePage, Table
from scraper.extract.periods import period_from_text, previous_period

logger = logging.getLogger(__name__)

SAAR = "percent_saar"
ESTIMATES = (
    ("advance", re.compile(r"\badvance\s+estimate|\(adv\)", re.I)),
    ("initial", re.compile(r"\binitial\s+estimate", re.I)),
    ("second", re.compile(r"\bsecond\s+estimate|\(2nd\)", re.I)),
    ("updated", re.compile(r"\bupdated\s+estimate", re.I)),
    ("third", re.compile(r"\bthird\s+estimate|\(3rd\)", re.I)),
    ("comprehensive_update", re.compile(r"\bcomprehensive\s+update\b", re.I)),
    ("annual_update", re.compile(r"\bannual\s+update\b", re.I)),
)
VINTAGES = (("adv", "advance"), ("advance", "advance"), ("1st", "advance"),
            ("initial", "initial"), ("2nd", "second"), ("second", "second"),
            ("updated", "updated"), ("3rd", "third"), ("third", "third"))


@dataclass(frozen=True)
class _Ctx:
    text: str
    paragraphs: tuple[str, ...]
    tables: tuple[Table, ...]
    period: str | None
    prior: str | None
    estimate: str | None


def _rate(ctx: _Ctx, key: str, label: str, anchor: str, stop: str | None = None,
          row: str | None = None) -> FigureRecord | None:
    """A SAAR percent change stated after ``anchor``, else the last cell of table ``row``."""
    part = clause(ctx.text, anchor, stop)
    value = percent_change(part) if part else None
    prior = compared_percent(part) if part else None
    if value is None and row:
        cells = row_numbers(ctx.tables, row)
        value = cells[-1] if cells else None
    return make(key, label, ctx.period, ctx.estimate, value, SAAR, prior, ctx.prior)


def _parse_real_gdp(ctx: _Ctx) -> FigureRecord | None:
    lead = (find_paragraph(ctx.paragraphs, r"real gross domestic product.{0,40}annual rate")
            or find_paragraph(ctx.paragraphs, r"real gross domestic product(?: \(GDP\))? "
                              r"(?:increased|decreased)") or "")
    part = clause(lead, r"real gross domestic product(?: \(GDP\))?")
    value = percent_change(part) if part else None
    if value is None:
        cells = row_numbers(ctx.tables, r"Real GDP")
        value = cells[-1] if cells else None
    return make("real_gdp", "Real GDP", ctx.period, ctx.estimate, value, SAAR,
                prior_gdp_change(lead), ctx.prior)


# "Real GDP increased 2.8 percent in 2024 (from the 2023 annual level to the 2024 annual
# level), compared with an increase of 2.9 percent in 2023" (Q4 releases), the older "In
# 2014, real GDP increased 2.4 percent, compared with an increase of 2.2 percent in 2013",
# and BEA's blog "For the year 2019, real GDP increased 2.3 percent, compared with 2.9
# percent in 2018".
_CHANGE = r"(?P<verb>increased|decreased) (?P<num>\d+(?:\.\d+)?) percent"
_PRIOR = (r",? compared with (?:an? (?P<pverb>increase|decrease) of )?(?P<pnum>\d+(?:\.\d+)?)"
          r" percent in (?P<pyear>(?:19|20)\d\d)")
_ANNUAL_RES = (
    re.compile(r"\breal GDP " + _CHANGE + r" in (?P<year>(?:19|20)\d\d) \(from the "
               r"(?P<from>(?:19|20)\d\d) annual level to the (?P<to>(?:19|20)\d\d) annual "
               r"level\)" + _PRIOR, re.I),
    re.compile(r"\b(?:In|For the year) (?P<year>(?:19|20)\d\d), real GDP " + _CHANGE + _PRIOR,
               re.I),
)


def _parse_annual_real_gdp(ctx: _Ctx) -> FigureRecord | None:
    """Real GDP for the year (percent change from the year before), under the year.

    Left out unless every year the sentence names fits (the year, the annual levels it
    runs between, the year compared with): a wrong period is worse than none."""
    for pattern in _ANNUAL_RES:
        m = pattern.search(ctx.text)
        if m is None:
            continue
        year = int(m["year"])
        spans = [int(m[g]) for g in ("from", "to") if g in m.groupdict() and m[g]]
        if spans and spans != [year - 1, year] or int(m["pyear"]) != year - 1:
            logger.info("annual real GDP sentence with inconsistent years left out: %r",
                        m.group(0))
            return None
        value = float(m["num"]) * (-1 if m["verb"].lower() == "decreased" else 1)
        prior = float(m["pnum"]) * (-1 if (m["pverb"] or "").lower() == "decrease" else 1)
        return make("real_gdp", "Real GDP (annual)", str(year), ctx.estimate, value,
                    "percent", prior, str(year - 1))
    return None


def _parse_current_dollar_gdp(ctx: _Ctx) -> FigureRecord | None:
    return _rate(ctx, "current_dollar_gdp", "Current-dollar GDP", r"Current-dollar GDP",
                 row=r"Current-dollar GDP")


def _parse_current_dollar_level(ctx: _Ctx) -> FigureRecord | None:
    """'Current-dollar GDP increased 5.1 percent ... to a level of $26.47 trillion'."""
    part = clause(ctx.text, r"Current-dollar GDP") or ""
    m = re.search(r"to a level of (" + DOLLARS + ")", part, re.I)
    return make("current_dollar_gdp", None, ctx.period, ctx.estimate,
                dollars(m.group(1), "usd_trillions") if m else None, "usd_trillions")


_SECTORS = (("value_added_private_goods", r"private goods-producing industries"),
            ("value_added_private_services", r"private services-producing industries"),
            ("value_added_government", r"government(?: sector)?"))
_SECTOR_RE = re.compile(
    r"(?:(?P<verb>increases?|decreases?) of )?(?P<num>" + NUM + r") percent (?:in real value "
    r"added )?for (?P<sector>private goods-producing industries|private services-producing "
    r"industries|government)", re.I)


def parse_value_added(text: str, period: str | None, estimate: str | None,
                      result: FamilyResult) -> None:
    """Real value added by sector: "Private goods-producing industries decreased 34.4
    percent, ..." or "increases of 5.3 percent in real value added for private
    services-producing industries and 3.6 percent for private goods-producing ..."."""
    for key, words in _SECTORS:
        m = re.search(rf"\b{words} (?P<verb>increased|decreased) (?P<num>{NUM}) percent", text,
                      re.I)
        if m:
            sign = -1.0 if m["verb"].lower() == "decreased" else 1.0
            result.add(make(key, None, period, estimate, sign * float(m["num"]), SAAR))
    verb = None
    for m in _SECTOR_RE.finditer(text):
        verb = m["verb"] or verb
        sign = -1.0 if verb and verb.lower().startswith("decrease") else 1.0
        key = next(k for k, w in _SECTORS if re.match(w, m["sector"], re.I))
        result.add(make(key, None, period, estimate, sign * float(m["num"]), SAAR))


def _parse_final_sales(ctx: _Ctx) -> FigureRecord | None:
    return _rate(ctx, "real_final_sales_private_domestic", "Real final sales to private "
                 "domestic purchasers", r"Real final sales to private domestic purchasers",
                 row=r"Real final sales to private domestic purchasers")


def _parse_purchases_prices(ctx: _Ctx) -> FigureRecord | None:
    return _rate(ctx, "gross_domestic_purchases_price_index", "Gross domestic purchases "
                 "price index", r"price index for gross domestic purchases",
                 row=r"Gross domestic purchases price index")


def _parse_pce_prices(ctx: _Ctx) -> FigureRecord | None:
    return _rate(ctx, "pce_price_index", "PCE price index",
                 r"\(PCE\) price index|PCE price index(?!,? excluding)",
                 stop=r"excluding food and energy", row=r"PCE price index")


def _parse_core_pce_prices(ctx: _Ctx) -> FigureRecord | None:
    # "the PCE price index excluding food and energy increased 3.4 percent" and the older
    # "Excluding food and energy prices, the PCE price index increased 2.9 percent"
    return _rate(ctx, "core_pce_price_index", "PCE price index excluding food and energy",
                 r"PCE price index,? excluding food and energy|Excluding food and energy "
                 r"prices,? the PCE price index",
                 row=r"PCE price index,? excluding food and energy")


def _parse_gdi(ctx: _Ctx) -> FigureRecord | None:
    return _rate(ctx, "real_gdi", "Real GDI", r"Real gross domestic income(?: \(GDI\))?",
                 row=r"Real GDI")


def _parse_corporate_profits(ctx: _Ctx) -> FigureRecord | None:
    """BEA's headline for profits is the dollar change from the preceding quarter."""
    part = clause(ctx.text, r"Profits from current production|Corporate profits from current "
                  r"production")
    if not part:
        return None
    return make("corporate_profits", "Corporate profits from current production (change)",
                ctx.period, ctx.estimate, dollar_change(part), "usd_billions",
                compared_dollars(part), ctx.prior)


_PARSERS = (_parse_real_gdp, _parse_annual_real_gdp, _parse_current_dollar_gdp,
            _parse_current_dollar_level, _parse_final_sales,
            _parse_purchases_prices, _parse_pce_prices, _parse_core_pce_prices, _parse_gdi,
            _parse_corporate_profits)


def extract(page: ReleasePage, title: str) -> FamilyResult:
    """Headline GDP figures of ``page``; the estimate comes from ``title``."""
    period = period_from_text(title) or period_from_text(" ".join(page.paragraphs[:3]))
    ctx = _Ctx(page.text(), page.paragraphs, page.tables, period, previous_period(period),
               read_estimate(title, None, ESTIMATES))
    expected = ["real_gdp", "pce_price_index", "core_pce_price_index"]
    if "corporate profits" in title.lower():
        expected.append("corporate_profits")
    result = FamilyResult(expected=tuple(expected))
    if period is None:
        result.problems.append("reference quarter not found in the title or lead")
    for parse in _PARSERS:
        result.add(parse(ctx))
    parse_value_added(ctx.text, period, ctx.estimate, result)
    return result


FAMILY = Family(
    name="gdp",
    title=re.compile(r"^(national income and product accounts:?\s+)?(gdp|gross domestic product)"
                     r"\b(?!\s+(by|for|of)\b)", re.I),
    url=re.compile(r"/(gdp|gross-domestic-product)-(?!(state|county|industry|metro|puerto|guam"
                   r"|american|us-virgin|commonwealth|cnmi|for)\b)"),
    extract=extract,
    series="GDP",
    estimates=ESTIMATES,
    vintages=VINTAGES,
    feed=FeedMap(main=("real_gdp", SAAR, "percentChange")),
)
