"""The three saved release pages: metadata and every PROVENANCE.md figure (table-driven).

Each page is parsed once per module; one assertion per field or figure.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from db.records import EXTRACTION_OK, ReleaseRecord
from scraper.extract import extract_release
from tests.support.captures import assert_figure, expected, fixture_bytes, ids

PAGES = (
    "release-gdp-2026q2-advance.html",
    "release-ita-2026q1-annual-update.html",
    "release-pio-2026-07-ws-normalized.html",
)
META_FIELDS = ("title", "released_at", "release_number", "next_release", "series")
_CASES = {name: expected(name) for name in PAGES}
_RECORDS: dict[str, ReleaseRecord] = {}


def record(name: str) -> ReleaseRecord:
    """The page's ReleaseRecord, extracted once per module."""
    if name not in _RECORDS:
        _RECORDS[name] = extract_release(fixture_bytes(name), _CASES[name]["url"])
    return _RECORDS[name]


@pytest.mark.parametrize("name", PAGES)
def test_extraction_is_ok_without_problems(name: str) -> None:
    rec = record(name)
    assert rec.extraction == EXTRACTION_OK
    assert rec.problems == ()


@pytest.mark.parametrize("name,field", [(n, f) for n in PAGES for f in META_FIELDS])
def test_metadata_field(name: str, field: str) -> None:
    want = _CASES[name]["meta"][field]
    got = getattr(record(name), field)
    if field == "released_at":
        assert isinstance(got, datetime) and got.isoformat() == want
        assert str(got.tzinfo) == "America/New_York"
    elif field == "next_release":
        assert got == date.fromisoformat(want)
    else:
        assert got == want


@pytest.mark.parametrize("name", PAGES)
def test_lead_paragraph(name: str) -> None:
    assert record(name).lead.startswith(_CASES[name]["meta"]["lead_starts"])


@pytest.mark.parametrize(
    "name,case",
    [(n, c) for n in PAGES for c in _CASES[n]["figures"]],
    ids=[f"{n.split('-')[1]}-{i}" for n in PAGES for i in ids(_CASES[n]["figures"])],
)
def test_figure(name: str, case: dict) -> None:
    assert_figure(record(name).figures, case)


def test_ita_lead_states_the_widening_in_percent() -> None:
    """PROVENANCE: 'widened $5.8B (2.6%)': the percent is kept in the lead, not as a figure."""
    assert "widened by $5.8 billion, or 2.6 percent" in record(PAGES[1]).lead


def test_to_json_has_design_shape() -> None:
    out = record(PAGES[0]).to_json()
    assert out["kind"] == "release"
    assert out["released_at"] == "2026-07-30T08:30:00-04:00"
    assert out["figures"][0] == {
        "indicator": "real_gdp", "label": "Real GDP", "period": "2026Q2",
        "estimate": "advance", "value": 1.5, "unit": "percent_saar",
        "prior_value": 2.1, "prior_period": "2026Q1",
    }


def test_str_input_gives_the_same_record_as_bytes() -> None:
    name = PAGES[2]
    text = fixture_bytes(name).decode("utf-8")
    assert extract_release(text, _CASES[name]["url"]) == record(name)


def test_family_chosen_from_url_when_title_is_unknown() -> None:
    """A retitled page at a GDP URL still gets the GDP extractor."""
    html = fixture_bytes(PAGES[0]).replace(
        b"<h1>GDP (Advance Estimate), 2nd Quarter 2026", b"<h1>Second quarter 2026 output"
    )
    rec = extract_release(html, _CASES[PAGES[0]]["url"])
    assert any(f.indicator == "real_gdp" and f.value == 1.5 for f in rec.figures)
