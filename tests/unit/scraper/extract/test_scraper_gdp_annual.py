"""GDP's sentence on the year, in BEA's wordings: under the year, with the year before as
the prior; left out when the years it names do not fit together."""

from __future__ import annotations

import pytest

from scraper.extract import extract_text

TITLE = "Gross Domestic Product, Fourth Quarter and Year 2023 (Advance Estimate)"


def annual(title: str, text: str):
    found = [f for f in extract_text(title, text).figures
             if f.indicator == "real_gdp" and f.unit == "percent"]
    return found[0] if found else None


@pytest.mark.parametrize("text,year,value,prior", [
    # the Q4 release's sentence (BEA, quoted by Xinhua 2024-01-25)
    ("Real GDP increased 2.5 percent in 2023 (from the 2022 annual level to the 2023 annual "
     "level), compared with an increase of 1.9 percent in 2022.", "2023", 2.5, 1.9),
    # the older wording (BEA's Q4 2014 release, reprinted by mdm.com)
    ("In 2014, real GDP increased 2.4 percent, compared with an increase of 2.2 percent in "
     "2013.", "2014", 2.4, 2.2),
    # BEA's blog, 2020-02-27
    ("Year 2019 highlights (from the 2018 annual level to the 2019 annual level)\nFor the year "
     "2019, real GDP increased 2.3 percent, compared with 2.9 percent in 2018.", "2019", 2.3,
     2.9),
])
def test_wordings(text, year, value, prior):
    fig = annual(TITLE, text)
    assert fig is not None
    assert (fig.period, fig.value, fig.prior_value, fig.prior_period, fig.estimate) == (
        year, value, prior, str(int(year) - 1), "advance")


def test_a_decrease_is_negative():
    """Built from BEA's sentence shape with a decrease in both years (signs only)."""
    fig = annual(TITLE, "Real GDP decreased 3.5 percent in 2020 (from the 2019 annual level to "
                        "the 2020 annual level), compared with a decrease of 0.5 percent in 2019.")
    assert (fig.value, fig.prior_value) == (-3.5, -0.5)


@pytest.mark.parametrize("text", [
    # levels that do not run into the year stated
    "Real GDP increased 2.5 percent in 2023 (from the 2021 annual level to the 2022 annual "
    "level), compared with an increase of 1.9 percent in 2022.",
    # a comparison year that is not the year before
    "Real GDP increased 2.5 percent in 2023 (from the 2022 annual level to the 2023 annual "
    "level), compared with an increase of 1.9 percent in 2021.",
])
def test_years_that_do_not_fit_are_left_out(text):
    assert annual(TITLE, text) is None
