"""The home page's "Principal Federal Economic Indicators" block (real text rendering of
bea.gov, 2024-02-07) read as figures, and cross-checked against the releases it names."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from scraper.extract import extract_text
from scraper.extract.crosscheck import cross_check
from scraper.extract.home_page import principal_indicators
from tests.support.paths import BEA_CAPTURES

FIXTURES = BEA_CAPTURES
HOME = (FIXTURES / "home-page-2024-02-07-text.txt").read_text(encoding="utf-8")
NATIONAL = {r["id"]: r for r in yaml.safe_load(
    (FIXTURES / "corpus" / "national.yaml").read_text(encoding="utf-8"))}


@pytest.mark.parametrize("indicator,period,estimate,value,unit", [
    ("real_gdp", "2023Q4", "advance", 3.3, "percent_saar"),
    ("personal_income", "2023-12", None, 0.3, "percent"),
    ("trade_balance", "2023-12", None, -62.2, "usd_billions"),
    ("current_account_balance", "2023Q3", None, -200.3, "usd_billions"),
])
def test_block_figures(indicator, period, estimate, value, unit):
    (fig,) = [f for f in principal_indicators(HOME) if f.indicator == indicator]
    assert (fig.period, fig.estimate, fig.value, fig.unit) == (period, estimate, value, unit)


def test_a_page_without_the_block_gives_nothing():
    assert principal_indicators("<html><body><h1>News Release</h1></body></html>") == ()


@pytest.mark.parametrize("record_id", ["trade-2023-12-annual", "gdp-2023q4-advance"])
def test_the_releases_agree_with_the_home_page(record_id):
    record = NATIONAL[record_id]
    figures = extract_text(record["title"], record["text"]).figures
    check = cross_check(figures, principal_indicators(HOME), "BEA's home page")
    assert check.agreed and not check.disagreements


def test_a_contradicting_page_is_named():
    record = NATIONAL["trade-2023-12-annual"]
    figures = tuple(dataclasses.replace(f, value=-62.0) if f.period == "2023-12" and
                    f.indicator == "trade_balance" else f
                    for f in extract_text(record["title"], record["text"]).figures)
    check = cross_check(figures, principal_indicators(HOME), "BEA's home page")
    assert check.disagreements == (
        "sources disagree: BEA's home page gives trade_balance 2023-12 = -62.2 "
        "(usd_billions), the release page -62",)
