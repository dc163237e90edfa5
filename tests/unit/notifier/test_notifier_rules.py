"""Which subscription gets which event: one row per rule of notifier.rules."""

from __future__ import annotations

from dataclasses import replace

import pytest

from notifier.rules import matches

# (event name, filter keywords, expected)
CASES = [
    # no filter: every new release, nothing else
    ("gdp", {}, True),
    ("trade", {}, True),
    ("gdp_revision", {}, False),
    ("schedule", {}, False),
    ("problem", {}, False),
    ("gdp_baseline", {}, False),
    # indicators: a release with a figure of that key
    ("gdp", {"indicators": ("real_gdp",)}, True),
    ("trade", {"indicators": ("real_gdp",)}, False),
    ("pio", {"indicators": ("niip", "pce")}, True),
    ("gdp_baseline", {"indicators": ("real_gdp",)}, False),
    # series: case-insensitive substring of series or title
    ("gdp", {"series": ("gdp",)}, True),
    ("trade", {"series": ("international trade",)}, True),
    ("trade", {"series": ("corporate profits",)}, False),
    ("gdp", {"series": ("Corporate Profits",)}, True),  # in the title, not the series
    # keywords: case-insensitive in title or lead
    ("trade", {"keywords": ("CENSUS",)}, True),
    ("trade", {"keywords": ("saving rate",)}, False),
    ("pio", {"keywords": ("nothing", "monthly rate")}, True),
    # different filter lists must all match
    ("gdp", {"indicators": ("real_gdp",), "keywords": ("imports",)}, False),
    (
        "gdp",
        {"indicators": ("real_gdp",), "series": ("GDP",), "keywords": ("first quarter",)},
        True,
    ),
    # revisions only when asked
    ("gdp_revision", {"revisions": True}, True),
    ("gdp_revision", {"revisions": True, "indicators": ("real_gdp",)}, True),
    ("gdp_revision", {"revisions": True, "indicators": ("trade_balance",)}, False),
    ("trade_revision", {"revisions": True, "series": ("trade",)}, True),
    ("trade_revision", {"revisions": True, "keywords": ("GDP",)}, False),
    # min_change: at least one relevant revision that large (and implies revisions)
    ("gdp_revision", {"revisions": True, "min_change": 0.1}, True),
    ("gdp_revision", {"revisions": True, "min_change": 0.2}, False),
    ("gdp_revision", {"min_change": 0.1}, True),
    ("trade_revision", {"revisions": True, "min_change": 0.5}, True),  # |-71.2 - -71.7|
    ("trade_revision", {"revisions": True, "min_change": 0.6}, False),
    ("trade_revision", {"revisions": True, "min_change": 0.1, "indicators": ("real_gdp",)}, False),
    ("gdp", {"revisions": True, "min_change": 5.0}, True),  # not applied to new releases
    # schedule changes only when asked; series/keywords against the schedule title
    ("schedule", {"schedule_changes": True}, True),
    ("schedule", {"schedule_changes": True, "series": ("gdp",)}, True),
    ("schedule", {"schedule_changes": True, "series": ("trade",)}, False),
    ("schedule", {"schedule_changes": True, "indicators": ("real_gdp",)}, True),
    ("gdp", {"schedule_changes": True}, True),
    # source problems only when asked, whatever the content filters
    ("problem", {"source_problems": True}, True),
    ("problem", {"source_problems": True, "indicators": ("niip",)}, True),
    ("problem", {"revisions": True, "schedule_changes": True}, False),
]


@pytest.mark.parametrize(("name", "filter_kw", "expected"), CASES)
def test_matches(events, make_sub, name, filter_kw, expected):
    assert matches(make_sub(**filter_kw), events[name]) is expected


def test_inactive_subscription_matches_nothing(events, make_sub):
    assert not matches(replace(make_sub(), active=False), events["gdp"])


def test_unknown_event_kind_matches_nothing(events, make_sub):
    odd = replace(events["gdp"], kind="something_new")
    assert not matches(make_sub(), odd)


def test_revision_without_release_fails_text_filters(events, make_sub):
    bare = replace(events["gdp_revision"], release=None)
    assert matches(make_sub(revisions=True), bare)
    assert not matches(make_sub(revisions=True, series=("gdp",)), bare)
