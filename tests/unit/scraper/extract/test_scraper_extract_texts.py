"""Family extractors on plain BEA text: the leads in release-texts.json, feed descriptions,
and the wording variants BEA has used over the years (table-driven)."""

from __future__ import annotations

import json

import pytest

from scraper.extract import figures_from_text
from tests.support.captures import FIXTURES, assert_figure, expected, find_figure

_LEADS = json.loads((FIXTURES / "release-texts.json").read_text(encoding="utf-8"))
_CASES = expected("release-texts.json")


@pytest.mark.parametrize(
    "case,figure",
    [(c, f) for c in _CASES for f in c["figures"]],
    ids=[f"{c['index']}-{f['indicator']}-{f['unit']}" for c in _CASES for f in c["figures"]],
)
def test_lead_figure(case: dict, figure: dict) -> None:
    figures = figures_from_text(case["title"], _LEADS[case["index"]]["lead"])
    assert_figure(figures, figure)


def test_a_title_of_no_known_family_gives_no_figures() -> None:
    """Real GDP-by-state text under a title no family claims: nothing is guessed."""
    assert figures_from_text("Some Future BEA Release, 2nd Quarter 2022", _LEADS[3]["lead"]) == ()


# Trade wording of BEA's June 2019 release ("exports were ... imports were ..."), which the
# 2026 feed descriptions do not repeat.
TRADE_2019 = (
    "The U.S. Census Bureau and the U.S. Bureau of Economic Analysis announced today that "
    "the goods and services deficit was $55.2 billion in June, down $0.2 billion from "
    "$55.3 billion in May, revised.\n\n"
    "June exports were $206.3 billion, $4.4 billion less than May exports. June imports "
    "were $261.5 billion, $4.6 billion less than May imports."
)


@pytest.mark.parametrize(
    "indicator,value,prior",
    [("trade_balance", -55.2, -55.3), ("exports", 206.3, None), ("imports", 261.5, None)],
)
def test_trade_2019_wording(indicator: str, value: float, prior: float | None) -> None:
    figures = figures_from_text("U.S. International Trade in Goods and Services, June 2019",
                                TRADE_2019)
    fig = find_figure(figures, indicator, "usd_billions")
    assert (fig.period, fig.value, fig.prior_value) == ("2019-06", value, prior)


GDP_THIRD = (
    "Real gross domestic product (GDP) increased at an annual rate of 3.1 percent in the "
    "second quarter of 2017, according to the \"third\" estimate. In the first quarter, real "
    "GDP decreased 1.2 percent.\n\n"
    "Real gross domestic income (GDI) increased 2.9 percent in the second quarter, compared "
    "with an increase of 2.7 percent in the first.\n\n"
    "Profits from current production (corporate profits) increased $21.8 billion in the "
    "second quarter, in contrast to a decrease of $53.0 billion in the first quarter."
)


@pytest.mark.parametrize(
    "indicator,unit,value,prior",
    [("real_gdp", "percent_saar", 3.1, -1.2), ("real_gdi", "percent_saar", 2.9, 2.7),
     ("corporate_profits", "usd_billions", 21.8, -53.0)],
)
def test_gdp_third_estimate_with_gdi_and_profits(indicator: str, unit: str, value: float,
                                                 prior: float) -> None:
    figures = figures_from_text(
        "GDP (Third Estimate), Industries, and Corporate Profits, 2nd Quarter 2017", GDP_THIRD)
    fig = find_figure(figures, indicator, unit)
    assert (fig.period, fig.estimate, fig.value, fig.prior_value, fig.prior_period) == (
        "2017Q2", "third", value, prior, "2017Q1")


def test_gdp_decrease_is_negative() -> None:
    text = ("Real gross domestic product (GDP) decreased at an annual rate of 0.5 percent in "
            "the first quarter of 2025 (January, February, and March), according to the third "
            "estimate. In the fourth quarter of 2024, real GDP increased 2.4 percent.")
    fig = find_figure(figures_from_text("GDP (Third Estimate), 1st Quarter 2025", text),
                      "real_gdp", "percent_saar")
    assert (fig.value, fig.prior_value, fig.prior_period) == (-0.5, 2.4, "2024Q4")


def test_feed_description_of_trade_release() -> None:
    text = ("The deficit increased from $71.2 billion in June (revised) to $88.6 billion in "
            "July, as imports increased and exports decreased.")
    fig = find_figure(
        figures_from_text("U.S. International Trade in Goods and Services, July 2026", text),
        "trade_balance", "usd_billions")
    assert (fig.value, fig.prior_value, fig.prior_period) == (-88.6, -71.2, "2026-06")
