"""The shared phrase/number helpers and title readers, one case per BEA wording."""

from __future__ import annotations

import pytest

from scraper.extract.families import family_for
from scraper.extract.numbers import (
    clean_text,
    compared_percent,
    dollar_change,
    dollars,
    parse_signed,
    percent_change,
)
from scraper.extract.periods import period_from_text, previous_period, title_periods
from scraper.extract.titles import canonical_series, estimate_from_title, split_title_period


@pytest.mark.parametrize(
    "text,value",
    [("increased at an annual rate of 1.5 percent", 1.5), ("decreased 0.3 percent", -0.3),
     ("was 3.0 percent", 3.0), ("fell 1,234.5 percent", -1234.5), ("no number here", None)],
)
def test_percent_change(text: str, value: float | None) -> None:
    assert percent_change(text) == value


def test_compared_percent_both_ways() -> None:
    assert compared_percent("compared with an increase of 1.7 percent") == 1.7
    assert compared_percent("in contrast to a decrease of 0.2 percent") == -0.2


@pytest.mark.parametrize(
    "text,unit,value",
    [("$115.1 billion", "usd_billions", 115.1),
     ("\u2013$21.27 trillion", "usd_trillions", -21.27),
     ("\u2212$209.0\u00a0billion", "usd_billions", -209.0),
     ("$1.05 trillion", "usd_billions", 1050.0),
     ("$712.0 million", "usd_billions", 0.712), ("nothing", "usd_billions", None)],
)
def test_dollars(text: str, unit: str, value: float | None) -> None:
    assert dollars(text, unit) == value


def test_dollar_change_sign() -> None:
    assert dollar_change("decreased $0.9 billion to $2.0 billion") == -0.9


@pytest.mark.parametrize(
    "raw,parsed",
    [("+1.5", (1.5, None)), ("+0.2%", (0.2, "%")), ("May 2026 +0.7%", (0.7, "%")),
     ("-$88.6 billion", (-88.6, "billion")), ("End of Q1 2026: -$21.27 T", (-21.27, "trillion")),
     ("-226.8", (-226.8, None)), ("", None), ("n/a", None)],
)
def test_parse_signed(raw: str, parsed: tuple | None) -> None:
    assert parse_signed(raw) == parsed


def test_clean_text_maps_bea_minus_signs_and_spaces() -> None:
    assert clean_text(" BEA 26\u201435\u00a0\u2013$1\u2212\n 2 ") == "BEA 26-35 -$1- 2"


@pytest.mark.parametrize(
    "text,period",
    [("2nd Quarter 2026", "2026Q2"), ("Q2 2026", "2026Q2"), ("3rd quarter 2025", "2025Q3"),
     ("second quarter of 2026", "2026Q2"), ("4th Quarter and Year 2025", "2025Q4"),
     ("July 2026", "2026-07"), ("October and November 2025", "2025-11"), ("2025", "2025"),
     ("U.S. and States, 2024", "2024"), ("Spring", None), (None, None)],
)
def test_period_from_text(text: str | None, period: str | None) -> None:
    assert period_from_text(text) == period


@pytest.mark.parametrize("period,prior", [("2026Q1", "2025Q4"), ("2026Q3", "2026Q2"),
                                          ("2026-01", "2025-12"), ("2025", "2024"),
                                          ("odd", None), (None, None)])
def test_previous_period(period: str | None, prior: str | None) -> None:
    assert previous_period(period) == prior


@pytest.mark.parametrize(
    "title,vintage,estimate",
    [("GDP (Advance Estimate), 2nd Quarter 2026", None, "advance"),
     ("GDP (Second Estimate) and Corporate Profits, 2nd Quarter 2026", None, "second"),
     ("GDP (Third Estimate), Industries, Corporate Profits, 2nd Quarter 2026", None, "third"),
     ("Gross Domestic Product, 3rd Quarter 2025 (Initial Estimate)", None, "initial"),
     ("GDP (Initial Estimate), 3rd Quarter 2025", None, "initial"),
     ("GDP (Updated Estimate), 3rd Quarter 2025", None, "updated"),
     ("GDP (Advance Estimate), 2nd Quarter 2023 and Comprehensive Update", None, "advance"),
     ("GDP, 2nd Quarter 2023, Comprehensive Update", None, "comprehensive_update"),
     ("GDP (Third Estimate) ...", "3rd", "third"),
     ("U.S. International Transactions, 1st Quarter 2026 and Annual Update", None,
      "annual_update"),
     ("GDP, 2nd Quarter 2026", "2nd", "second"), ("Personal Income and Outlays, July 2026",
                                                   None, None)],
)
def test_estimate_from_title(title: str, vintage: str | None, estimate: str | None) -> None:
    assert estimate_from_title(title, vintage) == estimate


@pytest.mark.parametrize(
    "title,url,family",
    [("GDP (Advance Estimate), 2nd Quarter 2026", None, "gdp"),
     ("Gross Domestic Product by State and Personal Income by State, 2025", None, "gdp_state"),
     ("Gross Domestic Product for Puerto Rico, 2023", None, "territories"),
     ("Personal Income and Outlays, July 2026", None, "pio"),
     ("U.S. International Investment Position, 3rd Quarter 2025", None, "iip"),
     ("U.S. International Transactions, 2nd Quarter 2023", None, "ita"),
     ("Personal Income by State, 2nd Quarter 2021", None, "pi_state"),
     ("Personal Income by County and Metropolitan Area, 2019", None, "county_metro"),
     ("Gross Domestic Product by County and Metropolitan Area, 2022", None, "county_metro"),
     ("Real Personal Consumption Expenditures by State and Real Personal Income by State and "
      "Metropolitan Area, 2023", None, "pce_state"),
     ("New Foreign Direct Investment in the United States, 2024", None, "direct_investment"),
     ("Activities of U.S. Multinational Enterprises, 2020", None, "direct_investment"),
     ("Outdoor Recreation Satellite Account, U.S. and States, 2022", None,
      "outdoor_recreation"),
     ("Some New Release, 2026", None, None),
     ("", "https://www.bea.gov/news/2026/us-international-trade-goods-and-services-july-2026",
      "trade"),
     ("", "https://www.bea.gov/news/2026/gross-domestic-product-state-2025", "gdp_state")],
)
def test_family_for(title: str, url: str | None, family: str | None) -> None:
    found = family_for(title, url)
    assert (found.name if found else None) == family


@pytest.mark.parametrize(
    "title,periods",
    [("Personal Income and Outlays, October and November 2025", ("2025-10", "2025-11")),
     ("U.S. International Trade in Goods and Services, December and Annual 2024",
      ("2024", "2024-12")),
     ("GDP (Advance Estimate), 4th Quarter and Year 2025", ("2025", "2025Q4")),
     ("GDP (Initial Estimate), 3rd Quarter 2025", ("2025Q3",)), ("No period", ())],
)
def test_title_periods(title: str, periods: tuple[str, ...]) -> None:
    assert title_periods(title) == periods


@pytest.mark.parametrize(
    "title,name,period",
    [("GDP (Advance Estimate), 3rd Quarter 2026", "GDP (Advance Estimate)", "3rd Quarter 2026"),
     ("Outdoor Recreation Economic Statistics, U.S. and States, 2025",
      "Outdoor Recreation Economic Statistics, U.S. and States", "2025"),
     ("U.S. International Trade in Goods and Services, Annual Update",
      "U.S. International Trade in Goods and Services", "Annual Update"),
     ("No period here", "No period here", None)],
)
def test_split_title_period(title: str, name: str, period: str | None) -> None:
    assert split_title_period(title) == (name, period)


def test_canonical_series() -> None:
    assert canonical_series("GDP (Advance Estimate)") == "GDP"
    assert canonical_series("Direct Investment by Country and Industry, 2025") == (
        "Direct Investment by Country and Industry")
    assert canonical_series("") is None
