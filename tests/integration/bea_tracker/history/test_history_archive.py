"""``bea-tracker backfill --archive`` against the local BEA: its news archive (the real
listing captures plus synthetic further pages) and the release pages the listing names."""

from __future__ import annotations

import json
import re
import signal
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import pytest

from bea_tracker.demo.localbea import LocalBea, data
from bea_tracker.demo.localbea.archive import GDP_ID, gdp_estimates
from db.records import ScheduledRelease, ScheduleRecord
from db.schedule_store import store_schedule
from tests.support.cli import run_cli
from tests.support.waiting import wait_until

GDP_SINCE_2019 = ("--archive", "--series", "GDP", "--since", "2019-01-01")
RELEASE_PAGE = re.compile(r"^/news/\d{4}/")


@pytest.fixture
def bea() -> Iterator[LocalBea]:
    """The local BEA with pages for every archive row (also those at BEA's real paths)."""
    with LocalBea(archive_pages=True) as server:
        yield server


def _query(backfiller, *args: str) -> list[dict]:
    """A query command's ``--json`` output, run in-process on the backfilled database."""
    result = run_cli(*args, "--json", config=backfiller.config)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _expected_gdp_urls(bea: LocalBea) -> list[str]:
    return [e.url for e in bea.archive.entries(GDP_ID, bea.base_url)
            if e.published.date() >= date(2019, 1, 1)]


def _listing_requests(bea: LocalBea) -> list:
    return bea.log.records(data.ARCHIVE_PATH)


def _page_requests(bea: LocalBea) -> list:
    return [r for r in bea.log.records() if RELEASE_PAGE.match(r.path)]


def test_dry_run_collects_every_url_across_pages_and_fetches_no_page(backfiller):
    bea = backfiller.bea

    run = backfiller.run(*GDP_SINCE_2019, "--dry-run")

    assert run.code == 0, run.stderr
    summary = run.json()
    expected = _expected_gdp_urls(bea)
    assert len(expected) == 89  # page 0 (real) + pages 1-4 (synthetic), 2019Q1 .. 2026Q2
    assert [p["url"] for p in summary["planned"]] == expected
    assert summary["archive"] == {"listing_pages": 5, "listing_requests": 5,
                                  "listing_not_modified": 0, "releases_listed": 89}
    assert summary["budget"] == {"requests": 100, "listing": 5, "pages": 89, "robots": 6,
                                 "seconds": 50.0}
    assert [re.search(r"page=(\d+)", r.query)[1] for r in _listing_requests(bea)] == \
        ["0", "1", "2", "3", "4"]
    assert _page_requests(bea) == [] and backfiller.releases() == []


def test_archive_backfill_then_revisions_shows_each_quarters_estimates(backfiller):
    bea = backfiller.bea

    run = backfiller.run(*GDP_SINCE_2019)

    assert run.code == 0, run.stderr
    assert len(run.json()["stored"]) == 89 and run.json()["failed"] == []
    assert "[89/89]" in run.stderr
    assert {r.user_agent for r in _page_requests(bea)} == {"bea-tracker-tests (test@example.org)"}
    assert all(r.history for r in backfiller.releases())
    assert all(e.baseline for e in backfiller.events())  # backfilled: nothing alerts

    paths = {r["period"]: r for r in _query(backfiller, "revisions", "--indicator",
                                               "real_gdp", "--all")}
    assert {f"{y}Q{q}" for y in range(2019, 2026) for q in range(1, 5)} <= set(paths)
    for period in ("2019Q2", "2022Q3", "2024Q1"):  # every estimate that moved the figure
        est = gdp_estimates(period)
        path = [(e["estimate"], e["value"]) for e in paths[period]["estimates"]]
        assert path[0] == ("advance", est["advance"])
        assert [p for p in path if p[0] != "revised"] == _moves(est)
    # the real Q2 2026 advance page (BEA's bytes) states Q2 and restates Q1 2026
    q2 = paths["2026Q2"]["estimates"]
    assert [(e["estimate"], e["value"], e["release_url"]) for e in q2] == [
        ("advance", 1.5, bea.url(data.GDP_ADVANCE_PATH))]
    q1 = paths["2026Q1"]["estimates"]
    assert q1[-1]["value"] == 2.1 and q1[0]["estimate"] == "advance"


def _moves(estimates: dict[str, float]) -> list[tuple[str, float]]:
    """advance -> second -> third, leaving out a step that repeats the previous value."""
    path: list[tuple[str, float]] = []
    for key in ("advance", "second", "third"):
        if not path or path[-1][1] != estimates[key]:
            path.append((key, estimates[key]))
    return path


def test_history_vintages_shows_the_advance_second_third_path(backfiller):
    assert backfiller.run(*GDP_SINCE_2019).code == 0

    rows = [r for r in _query(backfiller, "history", "real_gdp", "--vintages")
            if r["period"] == "2024Q1"]
    expected = gdp_estimates("2024Q1")
    stated = [(r["estimate"], r["value"]) for r in rows]
    assert stated[:3] == [("advance", expected["advance"]), ("second", expected["second"]),
                          ("third", expected["third"])]
    assert {e for e, _ in stated[3:]} == {"revised"}  # the 2024Q2 releases restate it
    assert len(stated) == 6


def test_a_rerun_asks_only_whether_the_listing_changed(backfiller):
    bea = backfiller.bea
    assert backfiller.run(*GDP_SINCE_2019).code == 0
    bea.log.clear()

    again = backfiller.run(*GDP_SINCE_2019)

    assert again.code == 0, again.stderr
    summary = again.json()
    assert summary["to_fetch"] == 0 and summary["stored"] == []
    assert summary["archive"]["listing_not_modified"] == 5
    listing = _listing_requests(bea)
    assert len(listing) == 5 and all(r.conditional and r.status == 304 for r in listing)
    assert _page_requests(bea) == []
    assert {r.path for r in bea.log.records()} == {data.ARCHIVE_PATH, "/robots.txt"}


def test_a_listing_page_whose_layout_changed_stops_before_any_crawl(backfiller):
    bea = backfiller.bea
    page2 = bea.archive.listing(f"field_related_product_target_id={GDP_ID}&page=2")
    bea.archive.broken[(GDP_ID, 2)] = page2.replace(b'class="release-row"', b'class="row"')

    run = backfiller.run(*GDP_SINCE_2019)

    assert run.code == 1
    assert "archive listing layout changed: row 1 is not a release-row" in run.stderr
    assert "nothing was crawled" in run.stderr and "page=2" in run.stderr
    assert _page_requests(bea) == [] and backfiller.releases() == []


def test_an_interrupted_archive_backfill_resumes(backfiller):
    bea = backfiller.bea
    expected = _expected_gdp_urls(bea)
    held = expected[5]  # held until the server stops; the other slot fetches the rest
    bea.fault(held, delay=120)
    child = backfiller.start(*GDP_SINCE_2019)
    try:
        _wait(lambda: len(backfiller.page_snapshots()) >= 10 and bea.log.in_flight == 1)
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 130, stderr
    first = json.loads(stdout)
    assert first["interrupted"] is True and held in first["not_fetched"]
    stored_first = set(backfiller.page_snapshots())
    assert held not in stored_first and len(stored_first) < 89

    bea.clear_faults()
    bea.log.clear()
    again = backfiller.run(*GDP_SINCE_2019)

    assert again.code == 0, again.stderr
    assert set(backfiller.page_snapshots()) == set(expected)
    fetched = {bea.url(r.path) for r in _page_requests(bea)}
    assert fetched == set(expected) - stored_first  # only what the first run lacked


def test_backfill_waits_for_a_burst_window_and_then_finishes(backfiller, write_config,
                                                            database):
    bea = backfiller.bea
    config = write_config({
        "bea": bea.config() | {"user_agent": "bea-tracker-tests (test@example.org)"},
        "polling": {"timeout": 10, "burst_before": 3600, "burst_after": 2},
    }, name="burst.yaml")
    burst = type(backfiller)(bea, database, config, backfiller.workdir)
    title, period = "GDP (Second Estimate)", "2nd Quarter 2026"
    _schedule(database, title, period, datetime.now(timezone.utc) + timedelta(minutes=30))
    child = burst.start("--archive", "--series", "GDP", "--since", "2026-04-01")
    try:
        lines = _stderr_lines(child)
        _wait(lambda: any("pausing:" in line for line in lines))
        assert _page_requests(bea) == []  # paused before its first release page
        moved_at = datetime.now(timezone.utc)  # BEA moves the release: the window is gone
        _schedule(database, title, period, moved_at - timedelta(hours=1))
        stdout, _ = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0, "".join(lines)
    summary = json.loads(stdout)
    assert summary["paused"] == 1 and len(summary["stored"]) == 5
    assert f"pausing: {title}, {period} is scheduled" in "".join(lines)
    assert min(r.at for r in _page_requests(bea)) >= moved_at


def _schedule(database, title: str, period: str, starts_at: datetime) -> None:
    with database.unit_of_work() as session:
        store_schedule(session, ScheduleRecord(events=(
            ScheduledRelease(title, period, starts_at, "news"),)))


def _stderr_lines(child) -> list[str]:
    """The child's stderr lines so far, read by a thread (the list grows)."""
    lines: list[str] = []

    def read() -> None:
        for line in child.stderr:
            lines.append(line)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _wait(check, timeout: float = 60.0) -> None:
    wait_until(check, timeout)


@pytest.mark.parametrize("args, message", [
    (("--archive", "--series", "Trade"), "--series 'Trade': the archive backfill knows "
                                         "Gross Domestic Product"),
    (("--archive", "--limit", "3"), "--archive takes --series, --since, --until"),
    (("--dry-run",), "--until and --dry-run go with --archive"),
    (("--archive", "--since", "2026", "--until", "2025"), "--until 2025 is before --since"),
])
def test_bad_archive_options_exit_2_before_any_request(cli, args, message):
    result = cli("backfill", *args)

    assert result.exit_code == 2
    assert message in result.stderr
