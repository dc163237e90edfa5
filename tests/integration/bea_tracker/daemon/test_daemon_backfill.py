"""A backfill from BEA's archive beside the running daemon: the daemon's burst polling for
a live release is not delayed (the backfill sends BEA nothing during the burst window),
the release is alerted, and the backfill finishes afterwards, alerting nothing."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bea_tracker.demo.localbea import LocalBea, synthetic_gdp_release
from tests.support.cli import start_cli
from tests.support.daemon import query, whole_second
from tests.support.waiting import wait_until

BURST_BEFORE, BURST_AFTER = timedelta(seconds=5), timedelta(seconds=10)


@pytest.fixture
def bea() -> Iterator[LocalBea]:
    with LocalBea(archive_pages=True) as server:
        yield server


def _wait(check, timeout: float = 60.0) -> None:
    wait_until(check, timeout)


def test_a_backfill_waits_out_the_burst_window_of_a_live_release(
        configure, baseline, bea, hooks, daemons, db_file):
    config = configure(burst_after="10s")
    starts = whole_second(12)
    release = synthetic_gdp_release(starts, seq=1)
    bea.schedule_with([release.event(starts)], keep_real=True)
    publication = bea.publish(release, at=starts, feed_delay=90)
    daemons()
    _wait(lambda: query(db_file, "SELECT count(*) FROM schedule_events WHERE title LIKE "
                                 "'%Synthetic 1%'")[0][0] == 1)

    backfill = start_cli("backfill", "--archive", "--series", "GDP", "--since", "2019-01-01",
                         "--json", config=config, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        hook = hooks.wait_for(1, timeout=60)[0]
        stdout, stderr = backfill.communicate(timeout=240)
    finally:
        if backfill.poll() is None:
            backfill.kill()
            backfill.communicate()

    assert hook.json["events"][0]["release"]["title"] == release.title
    assert publication.page_at <= hook.received_at
    assert backfill.returncode == 0, stderr
    summary = json.loads(stdout)
    assert summary["paused"] == 1 and len(summary["stored"]) == 89
    opens, closes = starts - BURST_BEFORE, starts + BURST_AFTER
    archive = [r for r in bea.log.records()
               if r.path == "/news/archive" or r.path.endswith("-synthetic")]
    assert archive and all(not opens <= r.at < closes for r in archive)
    found = [r for r in bea.log.records(release.path) if r.status == 200][0]
    assert found.at < min(r.at for r in archive)  # the daemon got there first
    # the 89 backfilled releases raised no alert: only the live one went out
    assert len(hooks.calls) == 1
    assert query(db_file, "SELECT count(*) FROM events WHERE baseline = 0 AND kind = "
                          "'new_release'") == [(1,)]
