"""The family registry: every family is one module with a catalogue family; a record is never
``ok`` without figures; a family's figures only use catalogue keys."""

from __future__ import annotations

import pytest

from db import indicators
from db.records import EXTRACTION_OK
from scraper.extract import NO_EXTRACTOR, NO_FIGURES, extract_release, extract_text
from scraper.extract.base import make
from scraper.extract.families import REGISTRY, family_named
from scraper.extract.families.satellite import ACCOUNTS
from tests.support.captures import fixture_bytes

SATELLITES = {name for name, _, _ in ACCOUNTS}


def test_every_family_has_a_catalogue_family_and_a_unique_name():
    names = [f.name for f in REGISTRY]
    assert len(names) == len(set(names))
    for name in names:
        assert name in indicators.FAMILIES or name in SATELLITES, name
        assert family_named(name) is not None


def test_catalogue_families_all_have_a_module():
    modules = {f.extract.__module__.rsplit(".", 1)[-1] for f in REGISTRY
               if hasattr(f.extract, "__module__")} | {"satellite"}
    assert set(indicators.FAMILIES) <= modules


def test_make_refuses_a_key_or_unit_not_in_the_catalogue():
    with pytest.raises(KeyError):
        make("real_gpd", None, "2026Q2", None, 1.0, "percent_saar")
    with pytest.raises(ValueError):
        make("real_gdp", None, "2026Q2", None, 1.0, "usd_billions")


def test_a_page_of_an_unknown_family_is_partial_never_ok():
    """A real page retitled to a release nobody has an extractor for."""
    html = fixture_bytes("release-pio-2026-07-ws-normalized.html").replace(
        b"Personal Income and Outlays, July 2026", b"Distribution of Personal Income, 2024")
    record = extract_release(html, "https://www.bea.gov/news/2026/distribution-personal-income")
    assert (record.extraction, record.figures) == ("partial", ())
    assert NO_EXTRACTOR in record.problems


def test_a_known_family_that_finds_nothing_is_partial():
    record = extract_text("Gross Domestic Product by State, 2nd Quarter 2022",
                          "These statistics were developed under a program of BEA.")
    assert record.extraction == "partial" and record.figures == ()
    assert any("headline figures not found" in p or p == NO_FIGURES for p in record.problems)


def test_ok_means_figures():
    for name in ("release-gdp-2026q2-advance.html", "release-pio-2026-07-ws-normalized.html"):
        record = extract_release(fixture_bytes(name), "https://www.bea.gov/news/2026/x")
        assert record.extraction == EXTRACTION_OK and record.figures
