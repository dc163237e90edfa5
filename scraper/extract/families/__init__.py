"""The release families: one module each, listed once here.

A family module says everything about its releases: how the title and URL are recognised,
the series name, the estimates, how the feed's ``<data>`` maps to its indicators, the
extractor, and the indicators it is expected to yield (the extractor's
``FamilyResult.expected``; the catalogue in ``db/indicators.py`` lists them all). Adding a
family is one module plus one line in ``REGISTRY``. Order matters where titles overlap:
the more specific families come before ``gdp``.
"""

from __future__ import annotations

from scraper.extract.base import Family
from scraper.extract.families import (
    county_metro,
    direct_investment,
    gdp,
    gdp_industry,
    gdp_state,
    iip,
    ita,
    pce_state,
    pi_state,
    pio,
    satellite,
    territories,
    trade,
)

REGISTRY: tuple[Family, ...] = (
    pio.FAMILY,
    trade.FAMILY,
    ita.FAMILY,
    iip.FAMILY,
    gdp_state.FAMILY,
    pce_state.FAMILY,
    county_metro.FAMILY,
    pi_state.FAMILY,
    gdp_industry.FAMILY,
    territories.FAMILY,
    direct_investment.FAMILY,
    *satellite.FAMILIES,
    gdp.FAMILY,
)
_BY_NAME = {family.name: family for family in REGISTRY}


def family_for(title: str | None, url: str | None = None) -> Family | None:
    """The family of a release, from its title, else its URL; None when unknown."""
    for family in REGISTRY:
        if family.matches(title):
            return family
    for family in REGISTRY:
        if family.matches(None, url):
            return family
    return None


def family_named(name: str) -> Family | None:
    return _BY_NAME.get(name)
