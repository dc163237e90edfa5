"""U.S. International Transactions (quarterly; since 2024 with the investment position).

BEA reports the current account as a deficit in words ("widened by $5.8 billion ... to
$226.8 billion"), so the sign comes from the noun: a deficit is stored negative, a surplus
positive. The net international investment position is given signed ("–$21.27 trillion").
"""

from __future__ import annotations

import logging
import re

from db.records import FigureRecord
from scraper.extract.base import Family, FamilyResult, FeedMap, make, read_estimate
from scraper.extract.numbers import DOLLARS, NUM, clean_text, dollar_match_value
from scraper.extract.page import ReleasePage
from scraper.extract.periods import period_from_text, previous_period

logger = logging.getLogger(__name__)

_D = DOLLARS.replace("?P<sign>", "?:").replace("?P<num>", "?:").replace("?P<scale>", "?:")
_BALANCE_RE = re.compile(
    r"current[- ]account (?P<kind>deficit|surplus)\b.{0,250}?\bto\s+(?P<amount>" + _D + ")",
    re.I,
)
_BALANCE_CHANGE_RE = re.compile(
    r"current[- ]account (?P<kind>deficit|surplus)\b[^$]{0,200}?\b(?P<verb>widened|narrowed|"
    r"increased|decreased)(?: by)?\s+(?P<amount>" + _D + ")",
    re.I,
)
_PRIOR_BALANCE_RE = re.compile(
    r"revised (?:[\w-]+ ){1,2}(?P<kind>deficit|surplus) was (?P<amount>" + _D + ")", re.I
)
_FROM_REVISED_RE = re.compile(
    r"current[- ]account (?P<kind>deficit|surplus)\b[^$]{0,120}?\$[^$]{0,120}?\bfrom\s+"
    r"(?P<amount>" + _D + r") \(revised\)", re.I)
# "The $13.5 billion decrease in the current-account deficit mostly reflected ..."
_CHANGE_NOUN_RE = re.compile(
    r"The (?P<amount>" + _D + r") (?P<verb>increase|decrease) in the current[- ]account "
    r"(?P<kind>deficit|surplus)", re.I)
_SHARE_RE = re.compile(
    rf"(?P<kind>deficit|surplus) was (?P<now>{NUM}) percent of current-dollar gross domestic "
    rf"product(?:, (?:up|down) from (?P<before>{NUM}) percent)?",
    re.I,
)
_NIIP_RE = re.compile(
    r"net international investment position\b.{0,200}?\bwas\s+(?P<amount>" + _D + ")", re.I
)
_PRIOR_NIIP_RE = re.compile(r"net investment position was\s+(?P<amount>" + _D + ")", re.I)
_FINANCIAL_RE = re.compile(
    r"Net financial-account transactions were\s+(?P<amount>" + _D + ")", re.I
)


def _amount(m: re.Match[str] | None, unit: str = "usd_billions") -> float | None:
    """The signed value of the ``amount`` group of ``m`` in ``unit``."""
    if m is None:
        return None
    inner = re.match(DOLLARS, m.group("amount"), re.I)
    return dollar_match_value(inner, unit) if inner else None


def _balance_sign(m: re.Match[str] | None) -> int:
    return -1 if m is not None and m.group("kind").lower() == "deficit" else 1


def _parse_current_account(text: str, period: str | None, estimate: str | None,
                           result: FamilyResult) -> None:
    m = _BALANCE_RE.search(text)
    value = _amount(m)
    value = None if value is None else _balance_sign(m) * abs(value)
    p = _PRIOR_BALANCE_RE.search(text) or _FROM_REVISED_RE.search(text)
    prior = _amount(p)
    prior = None if prior is None else _balance_sign(p) * abs(prior)
    prior_period = previous_period(period)
    result.add(make("current_account_balance", "Current-account balance", period, estimate,
                    value, "usd_billions", prior, prior_period))
    c = _BALANCE_CHANGE_RE.search(text) or _CHANGE_NOUN_RE.search(text)
    if c and value is not None:
        grew = c.group("verb").lower() in ("widened", "increased", "increase")
        change = abs(_amount(c) or 0.0) * (1 if grew else -1) * _balance_sign(c)
        result.add(make("current_account_balance_change", "Current-account balance (change)",
                        period, estimate, round(change, 6), "usd_billions"))
    s = _SHARE_RE.search(text)
    if s:
        sign = -1 if s.group("kind").lower() == "deficit" else 1
        before = s.group("before")
        result.add(make("current_account_balance_pct_gdp", "Current-account balance, percent "
                        "of GDP", period, estimate, sign * float(s.group("now")), "percent_level",
                        sign * float(before) if before else None, prior_period))


def parse_niip(text: str, period: str | None, estimate: str | None) -> FigureRecord | None:
    m = _NIIP_RE.search(text)
    prior = _amount(_PRIOR_NIIP_RE.search(text[m.end():] if m else text), "usd_trillions")
    return make("niip", "Net international investment position", period, estimate,
                _amount(m, "usd_trillions"), "usd_trillions", prior, previous_period(period))


def _parse_financial(text: str, period: str | None, estimate: str | None) -> FigureRecord | None:
    return make("net_financial_transactions", "Net financial-account transactions", period,
                estimate, _amount(_FINANCIAL_RE.search(text)), "usd_billions")


def extract(page: ReleasePage, title: str) -> FamilyResult:
    """Current account, NIIP and net financial transactions of an ITA release."""
    text = clean_text(page.text())
    period = period_from_text(title) or period_from_text(text[:600])
    estimate = read_estimate(title)
    expected = ["current_account_balance"]
    if "investment position" in title.lower():
        expected.append("niip")
    result = FamilyResult(expected=tuple(expected))
    if period is None:
        result.problems.append("reference quarter not found in the title or lead")
    _parse_current_account(text, period, estimate, result)
    result.add(parse_niip(text, period, estimate))
    result.add(_parse_financial(text, period, estimate))
    return result


FAMILY = Family(
    name="ita",
    title=re.compile(r"^u\.?s\.? international transactions\b", re.I),
    url=re.compile(r"/us-international-transactions-"),
    extract=extract,
    feed=FeedMap(main=("current_account_balance", "usd_billions", "percentChange"),
                 supplementals=(("investment position", "position", "niip",
                                 "usd_trillions"),)),
)
