"""cross_check: figures two sources both state must agree; the rest is not compared."""

from __future__ import annotations

from db.records import FigureRecord
from scraper.extract.crosscheck import cross_check


def fig(indicator: str, period: str, value: float, unit: str = "percent_saar") -> FigureRecord:
    return FigureRecord(indicator, indicator, period, None, value, unit)


def test_agreement_disagreement_and_figures_only_one_source_has():
    page = (fig("real_gdp", "2026Q2", 1.5), fig("pce_price_index", "2026Q2", 5.1),
            fig("niip", "2026Q1", -21.27, "usd_trillions"))
    feed = (fig("real_gdp", "2026Q2", 1.4), fig("niip", "2026Q1", -21.27, "usd_trillions"),
            fig("real_gdp", "2026Q1", 2.1))
    check = cross_check(page, feed, "the feed's <data>")
    assert check.agreed == ("niip 2026Q1",)
    assert check.disagreements == (
        "sources disagree: the feed's <data> gives real_gdp 2026Q2 = 1.4 (percent_saar), "
        "the release page 1.5",)


def test_same_indicator_other_unit_or_period_is_not_compared():
    page = (fig("pce_price_index", "2026-07", 0.2, "percent"),)
    other = (fig("pce_price_index", "2026-07", 3.7, "percent_yoy"),
             fig("pce_price_index", "2026-06", 0.1, "percent"))
    assert cross_check(page, other, "x").disagreements == ()
