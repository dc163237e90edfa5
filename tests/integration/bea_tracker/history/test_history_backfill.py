"""``bea-tracker backfill`` against the local BEA (real captures on 127.0.0.1), in a child
process: progress to the total, failures counted, resumable, Ctrl-C safe, no alerts."""

from __future__ import annotations

import signal
import sqlite3

import pytest

from bea_tracker.demo.localbea import data
from tests.support.waiting import wait_until

PIO_JUNE_PATH = "/news/2026/personal-income-and-outlays-june-2026"  # in the feed, not served
REAL_PAGES = (data.GDP_ADVANCE_PATH, data.PIO_PATH, data.ITA_PATH)


def _urls(summary: dict, key: str) -> set[str]:
    return {entry if isinstance(entry, str) else entry["url"] for entry in summary[key]}


def test_failures_are_counted_and_the_rest_stored(backfiller):
    bea = backfiller.bea
    bea.fault(data.ITA_PATH, status=500, times=None)  # past the spider's retries
    urls = backfiller.url_file(
        "# pages the feed no longer lists",
        data.GDP_ADVANCE_PATH,  # relative to bea.base_url
        bea.url(data.ITA_PATH) + "  # answers 500",
        bea.url(data.PIO_PATH),  # also a feed item: fetched once
    )
    run = backfiller.run("--series", "personal income and outlays", "--limit", "2",
                         "--urls", urls)

    assert run.code == 0, run.stderr
    summary = run.json()
    assert summary["selected"] == 2 and summary["from_file"] == 3
    assert summary["to_fetch"] == 4
    assert _urls(summary, "stored") == {bea.url(data.PIO_PATH), bea.url(data.GDP_ADVANCE_PATH)}
    failed = {f["url"]: (f["status"], f["reason"]) for f in summary["failed"]}
    assert failed == {bea.url(PIO_JUNE_PATH): (404, "HTTP 404"),
                      bea.url(data.ITA_PATH): (500, "HTTP 500")}
    assert "[4/4]" in run.stderr and "4/4 done, 2 failed" in run.stderr
    assert bea.log.count(data.PIO_PATH) == 1
    assert backfiller.page_snapshots() == {bea.url(data.PIO_PATH): 1,
                                           bea.url(data.GDP_ADVANCE_PATH): 1}


def test_backfilled_releases_are_history_and_raise_no_alerts(backfiller):
    bea = backfiller.bea
    urls = backfiller.url_file(*REAL_PAGES)
    assert backfiller.run("--limit", "0", "--urls", urls).code == 0

    releases = backfiller.releases()
    assert len(releases) == 3 and all(r.history for r in releases)
    events = backfiller.events()
    assert {e.kind for e in events} == {"new_release"}
    assert all(e.baseline for e in events)
    assert {r.url for r in releases} == {bea.url(p) for p in REAL_PAGES}


def test_views_return_rows_after_a_backfill(backfiller):
    urls = backfiller.url_file(*REAL_PAGES)
    assert backfiller.run("--limit", "0", "--urls", urls).code == 0

    path = backfiller.db.engine.url.database
    with sqlite3.connect(path) as conn:
        releases = conn.execute(
            "SELECT title, page_vintages, figures, backfilled FROM release_list").fetchall()
        latest = dict(conn.execute("SELECT indicator, value FROM latest_figures").fetchall())
        history = conn.execute(
            "SELECT COUNT(*), SUM(is_current) FROM figure_history").fetchone()
    assert len(releases) == 3
    assert all(vintages == 1 and figures > 0 and backfilled == 1
               for _, vintages, figures, backfilled in releases)
    assert latest["real_gdp"] == 1.5  # the real advance estimate for 2026Q2
    assert latest["current_account_balance"] == -226.8
    assert history[0] > 0 and history[0] == history[1]


def test_a_second_run_fetches_nothing_new(backfiller):
    bea = backfiller.bea
    urls = backfiller.url_file(*REAL_PAGES)
    first = backfiller.run("--limit", "0", "--urls", urls)
    assert first.code == 0 and len(first.json()["stored"]) == 3
    bea.log.clear()

    second = backfiller.run("--limit", "0", "--urls", urls)

    assert second.code == 0, second.stderr
    summary = second.json()
    assert summary["to_fetch"] == 0 and summary["stored"] == []
    assert {s["reason"] for s in summary["skipped"]} == {"already stored"}
    assert _urls(summary, "skipped") == {bea.url(p) for p in REAL_PAGES}
    assert [r.path for r in bea.log.records()] == [data.FEED_PATH]  # the feed, nothing else
    assert backfiller.page_snapshots() == {bea.url(p): 1 for p in REAL_PAGES}


def test_an_interrupted_run_resumes(backfiller):
    bea = backfiller.bea
    # held until the server stops; the spider's second slot per host fetches the others
    bea.fault(data.GDP_ADVANCE_PATH, delay=120)
    urls = backfiller.url_file(*REAL_PAGES)
    child = backfiller.start("--limit", "0", "--urls", urls)
    try:
        wait_until(lambda: len(backfiller.page_snapshots()) == 2 and bea.log.in_flight == 1,
                   60, "two pages stored and the third in flight")
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 130, stderr
    assert "interrupted" in stderr
    assert '"interrupted": true' in stdout and bea.url(data.GDP_ADVANCE_PATH) in stdout
    assert bea.url(data.GDP_ADVANCE_PATH) not in backfiller.page_snapshots()

    bea.clear_faults()
    again = backfiller.run("--limit", "0", "--urls", urls)

    assert again.code == 0, again.stderr
    assert _urls(again.json(), "stored") == {bea.url(data.GDP_ADVANCE_PATH)}
    assert backfiller.page_snapshots() == {bea.url(p): 1 for p in REAL_PAGES}
    for path in (data.PIO_PATH, data.ITA_PATH):
        assert bea.log.count(path) == 1  # stored in the first run, not fetched again
    assert bea.log.count(data.GDP_ADVANCE_PATH, status=200) == 1


def test_an_unreachable_feed_exits_1(backfiller):
    backfiller.bea.fault(data.FEED_PATH, status=503, times=None)

    run = backfiller.run()

    assert run.code == 1
    assert "could not fetch the feed" in run.stderr and "HTTP 503" in run.stderr
    assert backfiller.releases() == []


@pytest.mark.parametrize("args, message", [
    (("--since", "last week"), "--since: expected a date"),
    (("--limit", "-1"), "Invalid value for '--limit'"),
])
def test_bad_arguments_exit_2_before_any_request(cli, args, message):
    result = cli("backfill", *args)

    assert result.exit_code == 2
    assert message in result.stderr


def test_a_bad_url_file_names_the_line(cli, tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text("# ok\nhttps://www.bea.gov/news/2026/a\nwww.bea.gov/news/b\n")

    result = cli("backfill", "--urls", str(urls))

    assert result.exit_code == 2
    assert "line 3: not an http(s) URL: 'www.bea.gov/news/b'" in result.stderr
