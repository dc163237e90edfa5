"""Satellite accounts: outdoor recreation, arts and culture, marine, space, digital economy,
travel and tourism (annual). One module, one ``Family`` per account: they share BEA's
wording ("the outdoor recreation economy accounted for 2.2 percent ($563.7 billion) of
current-dollar gross domestic product"; "arts and cultural economic activity, adjusted for
inflation, decreased 6.4 percent in 2020 after increasing 3.4 percent in 2019").
"""

from __future__ import annotations

import logging
import re
from functools import partial

from scraper.extract.base import Family, FamilyResult, make
from scraper.extract.numbers import DOLLARS, NUM, clean_text, dollar_match_value, to_float
from scraper.extract.page import ReleasePage
from scraper.extract.regional import Reader, Subject, change_with_prior

logger = logging.getLogger(__name__)

_GDP = r"(?:total\s+)?(?:current-dollar\s+)?(?:U\.S\.\s+)?(?:gross\s+domestic\s+product|GDP)"
_PRE = r"accounted for (?P<pre>(?:[^.]|\.\d)*?)\bof\s+"  # "." only inside numbers
_SHARE_RE = re.compile(
    rf"{_PRE}{_GDP}(?:\s*\(GDP\))?(?P<post>,?\s+or\s+{DOLLARS})?", re.I)
_OUTPUT_RE = re.compile(rf"{_PRE}(?:current-dollar\s+)?gross output", re.I)
_OUTPUT_WAS_RE = re.compile(rf"gross output for the [\w ]+? economy was (?P<amt>{DOLLARS})", re.I)
_PRIOR_SHARE_RE = re.compile(
    rf"an? (?:increase|decrease) from (?P<amt>{DOLLARS}), or (?P<pct>{NUM}) percent, in "
    rf"(?P<y>\d{{4}})", re.I)
_REAL_RE = re.compile(
    r"(?:\breal\b|inflation-adjusted|adjusted for inflation)[^.]{0,140}?(?=\b(?:increased|"
    r"decreased|grew|declined)\s+(?:by\s+)?\d)", re.I)
_AVG_RE = re.compile(rf"average annual growth rate from (?P<a>\d{{4}}) to (?P<b>\d{{4}}) was "
                     rf"(?P<pct>{NUM}) percent", re.I)
_PERCENT_RE = re.compile(rf"(?P<num>{NUM})\s?percent", re.I)

ACCOUNTS = (
    # name, title words, url words
    ("outdoor_recreation", r"outdoor recreation", r"outdoor-recreation"),
    ("arts_culture", r"arts and cultural", r"arts-and-cultural"),
    ("marine", r"marine economy", r"marine-economy"),
    ("space", r"space economy", r"space-economy"),
    ("digital", r"digital economy", r"digital-economy"),
    ("travel_tourism", r"travel and tourism", r"travel-and-tourism"),
)


def _last_dollars(text: str) -> re.Match[str] | None:
    found = list(re.finditer(DOLLARS, text, re.I))
    return found[-1] if found else None


def _last_percent(text: str) -> float | None:
    found = list(_PERCENT_RE.finditer(text))
    return to_float(found[-1]["num"]) if found else None


def _unit_of(m: re.Match[str]) -> str:
    return "usd_trillions" if m["scale"].lower() == "trillion" else "usd_billions"


def _shares(name: str, text: str, year: str | None, result: FamilyResult) -> None:
    m = _SHARE_RE.search(text)
    if m:
        money = _last_dollars(m["pre"]) or (re.search(DOLLARS, m["post"], re.I) if m["post"]
                                             else None)
        prior = _PRIOR_SHARE_RE.search(text[m.end():m.end() + 200])
        if money:
            unit = _unit_of(money)
            prior_money = re.search(DOLLARS, prior["amt"], re.I) if prior else None
            result.add(make(f"{name}_value_added", None, year, None,
                            dollar_match_value(money, unit), unit,
                            dollar_match_value(prior_money, unit) if prior_money else None,
                            prior["y"] if prior else None))
        result.add(make(f"{name}_share_gdp", None, year, None, _last_percent(m["pre"]),
                        "percent_level", to_float(prior["pct"]) if prior else None,
                        prior["y"] if prior else None))
    out = _OUTPUT_RE.search(text)
    money = _last_dollars(out["pre"]) if out else None
    if out and name == "marine":
        result.add(make("marine_share_gross_output", None, year, None, _last_percent(out["pre"]),
                        "percent_level"))
    was = _OUTPUT_WAS_RE.search(text)
    money = money or (re.search(DOLLARS, was["amt"], re.I) if was else None)
    if money:
        unit = _unit_of(money)
        result.add(make(f"{name}_gross_output", None, year, None, dollar_match_value(money, unit),
                        unit))


def _growth(name: str, text: str, year: str | None, result: FamilyResult) -> None:
    key = "travel_tourism_real_output_growth" if name == "travel_tourism" else f"{name}_real_growth"
    if name == "travel_tourism":
        m = re.search(r"travel and tourism industry", text, re.I)
        found = change_with_prior(text[m.end():m.end() + 400]) if m else None
    else:
        m = _REAL_RE.search(text)
        found = change_with_prior(text[m.end():m.end() + 300]) if m else None
    if found:
        value, prior, prior_period = found
        result.add(make(key, None, year, None, value, "percent", prior,
                        prior_period if prior is not None else None))
    avg = _AVG_RE.search(text)
    if avg and name == "digital":
        result.add(make("digital_real_growth_avg_annual", None, f"{avg['a']}-{avg['b']}", None,
                        to_float(avg["pct"]), "percent"))


def extract(name: str, page: ReleasePage, title: str) -> FamilyResult:
    """Value added, share of GDP, real growth (and state ranges) of one satellite account."""
    text = clean_text(page.text())
    years = sorted(re.findall(r"\b(?:19|20)\d{2}\b", title))
    year = years[-1] if years else None
    headline = "travel_tourism_real_output_growth" if name == "travel_tourism" else \
        f"{name}_value_added"
    result = FamilyResult(expected=(headline,))
    if name != "travel_tourism":
        _shares(name, text, year, result)
    _growth(name, text, year, result)
    if name == "outdoor_recreation":
        reader = Reader(result, year, frozenset(years))
        reader.ranges_and_counts("\n\n".join(page.paragraphs), (Subject(
            "outdoor_recreation_share_state_gdp", re.compile(r"share of (?:state )?GDP", re.I)),))
    return result


FAMILIES = tuple(
    Family(name=name, title=re.compile(words, re.I), url=re.compile(slug),
           extract=partial(extract, name))
    for name, words, slug in ACCOUNTS
)
