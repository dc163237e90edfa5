"""A release page whose headline contradicts the feed item's ``<data>``: the page is stored,
the disagreement is stated with the release (so the alert says it) and raises exactly one
source_problem event; a page that agrees raises none."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

from bea_tracker.demo.localbea.publication import synthetic_gdp_release, synthetic_item
from tests.support.live import module_tracker

TEMPLATE = "GDP (Second Estimate) and Corporate Profits, 2nd Quarter 2026"


def gdp_release(feed_says: str):
    """BEA's real GDP advance page (real GDP +1.5) with a feed item whose <data> says
    ``feed_says`` for Q2 2026."""
    release = synthetic_gdp_release(datetime.now(timezone.utc))
    item = synthetic_item(TEMPLATE, title=release.title, path=release.path, vintage="",
                          db_id="", current=("Q2 2026", feed_says), previous=("Q1 2026", "+2.1"))
    return dataclasses.replace(release, item_xml=item)


@pytest.fixture(scope="module")
def contradicted(tmp_path_factory: pytest.TempPathFactory):
    with module_tracker(tmp_path_factory, "crosscheck") as tracker:
        assert tracker.poll().code == 0  # the baseline
        release = gdp_release("+1.4")
        tracker.bea.publish(release)
        tracker.second = tracker.poll()
        tracker.path = release.path
        yield tracker


def test_the_page_is_stored_and_its_figure_kept(contradicted):
    assert contradicted.second.code == 0, contradicted.second.output
    assert contradicted.figure(contradicted.path, "real_gdp", "2026Q2")["value"] == 1.5


def test_one_source_problem_names_both_values(contradicted):
    (event,) = contradicted.events("source_problem")
    assert event.baseline is False
    message = event.payload["message"]
    assert "the feed's <data> gives real_gdp 2026Q2 = 1.4" in message
    assert "the release page 1.5" in message


def test_the_release_states_the_disagreement(contradicted):
    """The alert of the new release lists the release's problems: the disagreement is one."""
    problems = contradicted.show(contradicted.path)["problems"]
    assert any("sources disagree" in p and "= 1.4" in p for p in problems)


def test_an_agreeing_feed_raises_nothing(tmp_path_factory):
    with module_tracker(tmp_path_factory, "crosscheck-ok") as tracker:
        assert tracker.poll().code == 0
        tracker.bea.publish(gdp_release("+1.5"))
        assert tracker.poll().code == 0
        assert tracker.events("source_problem") == []
        assert len([e for e in tracker.events("new_release") if not e.baseline]) == 1
