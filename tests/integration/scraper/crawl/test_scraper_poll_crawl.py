"""Polls that crawl release pages: ``--notify-existing`` on a first poll, and a release
published after the baseline. Figures asserted are those PROVENANCE.md lists for the
real pages the local BEA serves."""

from __future__ import annotations

import pytest

from bea_tracker.demo.localbea import data
from tests.support.live import module_tracker, pick, publish_gdp

SKIPPED_LINKS = (  # the feed's links to hosts outside bea.allowed_hosts (127.0.0.1 here)
    "https://www.bea.gov/news/2026/gdp-advance-estimate-4th-quarter-and-year-2025",
    "https://apps.bea.gov/newsreleases/international/fdici/2018/fdici0718.htm",
    "https://apps.bea.gov/newsreleases/industry/io/2013/io1213.htm",
)


@pytest.fixture(scope="module")
def notified(tmp_path_factory: pytest.TempPathFactory):
    """A first poll with --notify-existing of the real feed plus the GDP advance release."""
    with module_tracker(tmp_path_factory, "notify") as tracker:
        publish_gdp(tracker.bea)
        tracker.first = tracker.poll("--notify-existing")
        yield tracker


def test_notify_existing_exits_0_and_alerts(notified):
    assert notified.first.code == 0, notified.first.output
    assert "49 items, 49 new or changed;" in notified.first.stdout
    assert "baseline" not in notified.first.stdout
    new = notified.events("new_release")
    assert len(new) == 49
    assert not any(e.baseline for e in new)


@pytest.mark.parametrize("path", [data.GDP_ADVANCE_PATH, data.PIO_PATH, data.ITA_PATH])
def test_notify_existing_crawls_the_pages_that_exist(notified, path):
    assert notified.bea.log.count(path, status=200) == 1
    release = notified.show(path)
    assert release["extraction"] == "ok"
    current = [v for v in release["vintages"] if v["current"]]
    assert [v["kind"] for v in current] == ["page"]


def test_gdp_advance_figures_come_from_its_page(notified):
    figures = notified.show(data.GDP_ADVANCE_PATH)["figures"]
    gdp = pick(figures, "real_gdp", "2026Q2")
    assert (gdp["value"], gdp["estimate"], gdp["unit"]) == (1.5, "advance", "percent_saar")
    assert (gdp["prior_value"], gdp["prior_period"]) == (2.1, "2026Q1")
    assert pick(figures, "current_dollar_gdp", "2026Q2")["value"] == 7.9
    assert pick(figures, "pce_price_index", "2026Q2")["value"] == 5.1
    assert pick(figures, "core_pce_price_index", "2026Q2")["value"] == 3.4


def test_gdp_advance_metadata_comes_from_its_page(notified):
    release = notified.show(data.GDP_ADVANCE_PATH)
    assert release["release_number"] == "BEA 26-35"
    assert release["released_at"] == "2026-07-30T12:30:00+00:00"
    assert release["next_release"] == "2026-08-26"


def test_pio_figures_come_from_its_page(notified):
    figures = notified.show(data.PIO_PATH)["figures"]
    assert pick(figures, "personal_income", "2026-07", "percent")["value"] == 0.4
    assert pick(figures, "personal_income_change", "2026-07")["value"] == 115.1
    assert pick(figures, "disposable_personal_income", "2026-07")["value"] == 0.5
    assert pick(figures, "pce_change", "2026-07")["value"] == 36.3
    assert pick(figures, "personal_saving_rate", "2026-07")["value"] == 3.0
    assert pick(figures, "pce_price_index", "2026-07", "percent")["value"] == 0.2


def test_pio_keeps_year_over_year_price_figures(notified):
    figures = notified.show(data.PIO_PATH)["figures"]
    assert pick(figures, "pce_price_index", "2026-07", "percent_yoy")["value"] == 3.7
    assert pick(figures, "core_pce_price_index", "2026-07", "percent_yoy")["value"] == 3.3


def test_ita_figures_come_from_its_page(notified):
    figures = notified.show(data.ITA_PATH)["figures"]
    account = pick(figures, "current_account_balance", "2026Q1")
    assert (account["value"], account["unit"]) == (-226.8, "usd_billions")
    assert account["estimate"] == "annual_update"
    niip = pick(figures, "niip", "2026Q1")
    assert (niip["value"], niip["unit"]) == (-21.27, "usd_trillions")


def test_missing_pages_leave_releases_stored_from_the_feed(notified):
    path = "/news/2026/us-international-trade-goods-and-services-july-2026"
    assert notified.bea.log.count(path, status=404) == 1
    release = notified.show(path)
    assert [v["kind"] for v in release["vintages"]] == ["feed_item"]
    assert pick(release["figures"], "trade_balance", "2026-07")["value"] == -88.6
    assert [p.status for p in notified.poll_log(path)] == [404]


def test_missing_pages_are_not_a_source_problem(notified):
    assert notified.events("source_problem") == []


@pytest.mark.parametrize("link", SKIPPED_LINKS)
def test_links_to_other_hosts_are_skipped_and_logged(notified, link):
    assert f"skipping {link}: host not in bea.allowed_hosts" in notified.first.stderr
    assert link in notified.releases()  # still stored from its feed item


def test_the_summary_counts_skipped_links(notified):
    # 49 items: 6 link elsewhere (5 apps.bea.gov, 1 scheme-less www.bea.gov), 43 crawled
    assert "pages crawled 43 (40 failed)" in notified.first.stdout
    assert "skipped 6 links outside bea.allowed_hosts" in notified.first.stdout
    assert not any(r.path.startswith("/newsreleases/") for r in notified.bea.log.records())
