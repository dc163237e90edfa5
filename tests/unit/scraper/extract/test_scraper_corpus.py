"""The corpus of real BEA release text (tests/fixtures/bea/corpus/, see its PROVENANCE files):
every expected figure of every record, by indicator, period, estimate, value, unit and prior.

A figure BEA states for the period before may be stored as the prior of the newer figure
(``prior_value``/``prior_period``) instead of as a figure of its own; both count. A record's
``gaps`` name figures the extractors leave out on purpose (mangled text, another language):
for those the test asserts that no figure was guessed in their place.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from db import indicators
from db.records import FigureRecord
from scraper.extract import extract_text
from tests.support.paths import BEA_CAPTURES

CORPUS = BEA_CAPTURES / "corpus"
RECORDS: list[dict[str, Any]] = [
    record
    for name in ("national.yaml", "regional.yaml")
    for record in yaml.safe_load((CORPUS / name).read_text(encoding="utf-8"))
]
_EXTRACTED: dict[str, tuple[FigureRecord, ...]] = {}


def figures_of(record: dict[str, Any]) -> tuple[FigureRecord, ...]:
    """The record's text through the extractors, once per record."""
    if record["id"] not in _EXTRACTED:
        _EXTRACTED[record["id"]] = extract_text(record["title"], record["text"],
                                                record.get("url") or "").figures
    return _EXTRACTED[record["id"]]


def _same(got: float | None, want: float | None) -> bool:
    if want is None or got is None:
        return got is want
    return got == pytest.approx(float(want))


def check(figures: tuple[FigureRecord, ...], want: dict[str, Any]) -> str | None:
    """None when ``want`` is among ``figures`` (as a figure or as a prior), else why not."""
    period = str(want["period"])
    key = indicators.resolve(want["indicator"]) or want["indicator"]  # aliases count
    own = [f for f in figures if (f.indicator, f.unit, f.period) == (key, want["unit"], period)]
    if own:
        fig = own[0]
        if not _same(fig.value, want["value"]):
            return f"value {fig.value} != {want['value']}"
        if "estimate" in want and fig.estimate != want["estimate"]:
            return f"estimate {fig.estimate} != {want['estimate']}"
        if "prior_value" in want and not _same(fig.prior_value, want["prior_value"]):
            return f"prior {fig.prior_value} != {want['prior_value']}"
        if want.get("prior_period") and fig.prior_period != str(want["prior_period"]):
            return f"prior period {fig.prior_period} != {want['prior_period']}"
        region = want.get("region")
        if region and "_high" in want["indicator"] + "_low" and \
                region.split(",")[0] not in fig.label:
            return f"label {fig.label!r} does not name {region!r}"
        return None
    as_prior = [f for f in figures if (f.indicator, f.unit, f.prior_period) == (
        key, want["unit"], period)]
    if as_prior:
        return None if _same(as_prior[0].prior_value, want["value"]) else (
            f"prior {as_prior[0].prior_value} != {want['value']}")
    return "not extracted"


CASES = [(r, f) for r in RECORDS for f in r["figures"]]


@pytest.mark.parametrize("record,want", CASES,
                         ids=[f"{r['id']}:{f['indicator']}:{f['period']}" for r, f in CASES])
def test_corpus_figure(record: dict[str, Any], want: dict[str, Any]) -> None:
    figures = figures_of(record)
    problem = check(figures, want)
    if want["indicator"] in record.get("gaps", {}):
        guessed = [f for f in figures if f.indicator == want["indicator"]
                   and f.period == str(want["period"]) and not _same(f.value, want["value"])]
        assert not guessed, f"a wrong figure was guessed where the text is unreadable: {guessed}"
        return
    assert problem is None, f"{want['indicator']} {want['period']}: {problem}"


@pytest.mark.parametrize("record", RECORDS, ids=[r["id"] for r in RECORDS])
def test_no_figure_under_a_period_the_text_does_not_give_it(record: dict[str, Any]) -> None:
    """A figure of an expected indicator stored under another period is a wrong figure
    (e.g. January's statements filed under February)."""
    periods: dict[tuple[str, str], set[str]] = {}
    for want in record["figures"]:
        key = (indicators.resolve(want["indicator"]) or want["indicator"], want["unit"])
        periods.setdefault(key, set()).add(str(want["period"]))
    wrong = [f for f in figures_of(record)
             if (f.indicator, f.unit) in periods and f.period not in periods[(f.indicator, f.unit)]
             and f.prior_period not in periods[(f.indicator, f.unit)]]
    assert not wrong, wrong
