"""Personal Income and Outlays (monthly): income, spending, saving and PCE prices.

BEA states each headline twice: as a dollar change and a percent ("increased $115.1 billion
(0.4 percent at a monthly rate)"). Percents go under the DESIGN keys (unit ``percent``);
dollar changes go under ``<key>_change`` (``usd_billions``) so one indicator never mixes
two meanings. The "Personal Income and Related Measures" table gives last month's percents
(``prior_value``) and the real-PCE percent BEA writes as "less than 0.1 percent".

Two-month releases (after the 2025 shutdown: "October and November 2025") state each
measure for the first month and then "followed by an increase of $80.0 billion (0.3
percent)" for the second: each figure is stored under its own month, the second is the
headline.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from db import indicators
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
    clean_text,
    dollar_change,
    dollar_match_value,
    dollars,
    percent_change,
)
from scraper.extract.page import ReleasePage, Table
from scraper.extract.periods import MONTH, month, previous_period, title_periods

logger = logging.getLogger(__name__)

# the verb may follow an aside: "(DPI)-personal income less taxes-increased" or ", ... ,"
_CHANGE = r"(?=\s*(?:[-,][^-,]{0,80}[-,])?\s*(?:increased|decreased|rose|fell))"
_PAREN_PERCENT = re.compile(rf"(?P<num>{NUM})\s?percent", re.I)
_MAIN = (
    # key, label, anchor, stop, table row
    ("personal_income", "Personal income", rf"\bPersonal income{_CHANGE}",
     r"Disposable personal income|, while", r"Current-dollar personal income"),
    ("disposable_personal_income", "Disposable personal income",
     rf"Disposable personal income(?: \(DPI\))?{_CHANGE}",
     r"personal consumption expenditures|consumer spending", r"Current-dollar DPI"),
    ("pce", "Personal consumption expenditures",
     rf"personal consumption expenditures(?: \(PCE\))?{_CHANGE}|consumer spending{_CHANGE}",
     r"Personal outlays", r"Current-dollar PCE"),
    ("real_disposable_personal_income", "Real DPI", rf"\bReal DPI{_CHANGE}",
     r"\band real PCE|;", r"Real DPI"),
    ("real_pce", "Real PCE", rf"\bReal PCE{_CHANGE}", r";", r"Real PCE"),
)


@dataclass(frozen=True)
class _Ctx:
    text: str
    paragraphs: tuple[str, ...]
    tables: tuple[Table, ...]
    period: str | None
    prior: str | None
    estimate: str | None
    first: str | None = None  # the first month of a two-month release


def _table_pair(ctx: _Ctx, row: str) -> tuple[float | None, float | None]:
    """(current, previous month) percents from the related-measures table row."""
    cells = row_numbers(ctx.tables, row)
    current = cells[-1] if cells else None
    previous = cells[-2] if len(cells) >= 2 else None
    return current, previous


def _signed_percent(part: str, change: float | None) -> float | None:
    """The percent of a statement: '(0.4 percent ...)' after a dollar change takes the
    change's sign (BEA sometimes signs it too: "decreased $76.6 billion (-0.5 percent)");
    without a dollar change the verb signs it ("real PCE decreased 0.6 percent"). None for
    'less than 0.1 percent' (the table has the rounded value)."""
    if change is None:
        return percent_change(part)
    m = _PAREN_PERCENT.search(part)
    if not m or re.search(r"less than\s*$", part[: m.start("num")], re.I):
        return None
    value = abs(float(m.group("num")))
    return -value if change < 0 else value


_FOLLOWED_RE = re.compile(
    rf"followed by (?:an? (?P<verb>increase|decrease) of )?(?P<amount>{DOLLARS})?"
    rf"(?:\s*\(?(?P<pct>{NUM}) percent\)?)?", re.I)


def _followed(part: str) -> tuple[float | None, float | None]:
    """(dollar change, percent) of 'followed by an increase of $80.0 billion (0.3 percent)'."""
    m = _FOLLOWED_RE.search(part)
    if not m:
        return None, None
    sign = -1.0 if (m.group("verb") or "").lower() == "decrease" else 1.0
    inner = re.search(DOLLARS, m.group("amount") or "", re.I)
    amount = sign * abs(dollar_match_value(inner)) if inner else None
    pct = sign * abs(float(m.group("pct"))) if m.group("pct") else None
    return amount, pct


def _parse_second_month(ctx: _Ctx, result: FamilyResult) -> None:
    """The 'followed by ...' figures of a two-month release, under the later month."""
    for key, label, anchor, stop, _row in (*_MAIN, ("personal_outlays", "Personal outlays",
                                                    r"Personal outlays", None, "")):
        part = clause(ctx.text, anchor, stop) or ""
        first = next((f for f in result.figures if f.indicator == key and f.unit == "percent"),
                     None)
        change, pct = _followed(part)
        if key != "personal_outlays":  # BEA states outlays in dollars only
            result.add(make(key, label, ctx.period, ctx.estimate, pct, "percent",
                            first.value if first and pct is not None else None, ctx.first))
        if indicators.resolve(f"{key}_change"):
            result.add(make(f"{key}_change", f"{label} (change)", ctx.period, ctx.estimate,
                            change, "usd_billions"))
    saving = clause(ctx.text, r"Personal saving was", r"personal saving rate") or ""
    m = re.search(rf"followed by ({DOLLARS})", saving, re.I)
    result.add(make("personal_saving", "Personal saving", ctx.period, ctx.estimate,
                    dollars(m.group(1)) if m else None, "usd_billions"))
    rate = clause(ctx.text, r"personal saving rate") or ""
    m = re.search(rf"followed by ({NUM}) percent", rate, re.I)
    result.add(make("personal_saving_rate", "Personal saving rate", ctx.period, ctx.estimate,
                    float(m.group(1)) if m else None, "percent_level"))


def _parse_main(ctx: _Ctx, result: FamilyResult) -> None:
    for key, label, anchor, stop, row in _MAIN:
        part = clause(ctx.text, anchor, stop) or ""
        if ctx.first:  # the first month's statement ends where "followed by" starts
            part = part.split("followed by")[0]
        change = dollar_change(part) if part else None
        table_now, table_prior = _table_pair(ctx, row)
        pct = _signed_percent(part, change) if part else None
        pct = table_now if pct is None else pct
        result.add(make(key, label, ctx.period, ctx.estimate, pct, "percent",
                        table_prior, ctx.prior))
        if indicators.resolve(f"{key}_change"):
            result.add(make(f"{key}_change", f"{label} (change)", ctx.period, ctx.estimate,
                            change, "usd_billions"))


def _parse_outlays_and_saving(ctx: _Ctx, result: FamilyResult) -> None:
    outlays = clause(ctx.text, r"Personal outlays")
    outlays = outlays.split("followed by")[0] if outlays and ctx.first else outlays
    result.add(make("personal_outlays_change", "Personal outlays (change)", ctx.period,
                    ctx.estimate, dollar_change(outlays) if outlays else None, "usd_billions"))
    saving = clause(ctx.text, r"Personal saving was", r"personal saving rate")
    result.add(make("personal_saving", "Personal saving", ctx.period, ctx.estimate,
                    dollars(saving) if saving else None, "usd_billions"))
    rate = clause(ctx.text, r"personal saving rate")
    value = percent_change(rate) if rate else None
    prior = None
    if rate and (m := re.search(rf"compared with ({NUM}) percent in", rate, re.I)):
        prior = float(m.group(1))
    elif rate and re.search(r"the same rate as in", rate, re.I):
        prior = value
    result.add(make("personal_saving_rate", "Personal saving rate", ctx.period, ctx.estimate,
                    value, "percent_level", prior, ctx.prior))


_NO_CHANGE = r"\s*(?:was (?:also )?unchanged|had no change)\b"
# "Personal Income and Outlays, January 2019" heading a month's section of a combined report
_SECTION_RE = re.compile(
    rf"^(?:Personal Income(?: and Outlays)?|Personal Outlays),? ({MONTH}) (\d{{4}})\s*$",
    re.I | re.M)


def _parse_prices(ctx: _Ctx, result: FamilyResult) -> None:
    """Month-on-month and year-on-year PCE price paragraphs, headline and core."""
    core = r"Excluding food and energy,? the PCE price index|PCE price index,? excluding food " \
           r"and energy"
    for pattern, unit in ((r"preceding month", "percent"), (r"one year ago", "percent_yoy")):
        para = find_paragraph(ctx.paragraphs, rf"{pattern}.{{0,40}}PCE price index") or ""
        if not para and unit == "percent":  # older wording, no "preceding month": "The PCE
            # price index increased 0.2 percent. Excluding food and energy, ..." (one or two
            # paragraphs); a paragraph about the year before is never one of them
            para = " ".join(p for p in ctx.paragraphs
                            if re.search(r"\bPCE price index\b", p)
                            and re.search(r"\b(?:increased|decreased|unchanged)\b", p)
                            and not re.search(r"year ago|preceding month|from one year", p,
                                              re.I))
        head = clause(para, r"\bThe PCE price index(?!,? excluding)", r"Excluding food and energy")
        tail = clause(para, core)
        monthly = unit == "percent"
        for key, label, part, row in (
            ("pce_price_index", "PCE price index", head, r"PCE price index"),
            ("core_pce_price_index", "PCE price index excluding food and energy", tail,
             r"PCE price index,? excluding food and energy"),
        ):
            value = percent_change(part) if part else None
            if value is None and part and re.match(_NO_CHANGE, part):
                value = 0.0  # "The PCE price index was unchanged from September"
            now, before = _table_pair(ctx, row) if monthly else (None, None)
            result.add(make(key, label, ctx.period, ctx.estimate,
                            value if value is not None else now, unit, before, ctx.prior))


def extract(page: ReleasePage, title: str) -> FamilyResult:
    """Headline personal income and outlays figures of ``page``."""
    periods = [p for p in title_periods(title) if "-" in p] or list(title_periods(title))
    period = periods[-1] if periods else None
    estimate = read_estimate(title)
    text = clean_text(page.text())
    result = FamilyResult(expected=("personal_income", "disposable_personal_income", "pce",
                                    "pce_price_index"))
    if period is None:
        result.problems.append("reference month not found in the title")
    if len(periods) == 2:
        first = _Ctx(text, page.paragraphs, (), periods[0], previous_period(periods[0]),
                     estimate, first=periods[0])
        _parse_main(first, result)
        _parse_outlays_and_saving(first, result)
        _parse_second_month(_Ctx(text, page.paragraphs, (), period, periods[0], estimate,
                                 first=periods[0]), result)
        return result
    sections = _sections(page)
    if len(sections) >= 2 or any(p != period for p, _ in sections):
        # a combined report: each month's statements under its own month, never the title's
        for month_period, paragraphs in sections:
            sub = _Ctx(clean_text(" ".join(paragraphs)), paragraphs, (), month_period,
                       previous_period(month_period), estimate)
            _parse_main(sub, result)
            _parse_outlays_and_saving(sub, result)
            _parse_prices(sub, result)
        return result
    ctx = _Ctx(text, page.paragraphs, page.tables, period, previous_period(period), estimate)
    _parse_main(ctx, result)
    _parse_outlays_and_saving(ctx, result)
    _parse_prices(ctx, result)
    return result


def _sections(page: ReleasePage) -> list[tuple[str, tuple[str, ...]]]:
    """(month, paragraphs) of each month's section of a combined report (after the 2019
    shutdown BEA put "Personal Income and Outlays, January 2019" over each month)."""
    raw = "\n".join(page.paragraphs)
    heads = list(_SECTION_RE.finditer(raw))
    out = []
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(raw)
        body = tuple(p.strip() for p in raw[head.end():end].split("\n") if p.strip())
        out.append((month(head.group(1), head.group(2)), body))
    return out


FAMILY = Family(
    name="pio",
    title=re.compile(r"^personal income and outlays\b|^personal (?:income|outlays),? \w+ \d{4};",
                     re.I),
    url=re.compile(r"/personal-income-and-outlays-"),
    extract=extract,
    series="Personal Income and Outlays",
    feed=FeedMap(main=("personal_income", "percent", "percentChange"),
                 supplementals=(("personal consumption expenditures", "percentChange", "pce",
                                 "percent"),
                                ("personal consumption expenditures", "rateChange",
                                 "pce_change", "usd_billions"))),
)
