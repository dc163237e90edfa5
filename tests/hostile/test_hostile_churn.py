"""Feeds that flood, lie about dates or churn: one poll takes at most
``polling.max_new_releases_per_poll`` new items (more is one source_problem, no alerts);
items dated far in the past or in the future are refused with a problem; failed bodies are
kept capped and few; revision alerts come at most once per interval per
release (every vintage stored); phantom calendar entries closing together are one alert."""

from __future__ import annotations

import os
import zlib
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import urlsplit

from bea_tracker.demo.localbea import synthetic_gdp_release
from bea_tracker.demo.localbea.schedule_gen import CalendarEntry
from db.types import TEST_CLOCK_ENV
from tests.hostile.hostile_world import World, body, rss
from tests.support.daemon import DaemonProcess, wait_for_heartbeat, whole_second

NOW = datetime.now(timezone.utc)


def item(n: int, when: datetime = NOW) -> dict[str, str]:
    return {"title": f"Synthetic Release {n}, 2026", "guid": f"g{n}",
            "link": f"https://www.bea.gov/news/2026/synthetic-{n}",  # not crawled here
            "pubDate": format_datetime(when)}


def test_a_flood_of_new_items_is_one_problem_not_a_flood_of_alerts(world: World) -> None:
    world.configure(polling={"max_new_releases_per_poll": 5})
    world.hostile_feed(body(rss([item(0)])))
    assert world.poll().code == 0  # baseline
    world.hostile_feed(body(rss([item(n) for n in range(1, 31)] + [item(0)])))

    run = world.poll()

    assert run.code == 0, run.output
    assert ("feed: error (30 new or changed items in one poll is over "
            "polling.max_new_releases_per_poll (5); none taken)") in run.stdout
    assert len(world.releases()) == 1
    assert world.events("new_release") == [] or all(e.baseline for e in world.events(
        "new_release"))
    assert len(world.events("source_problem")) == 1


def test_items_dated_in_2099_or_1900_are_refused(world: World) -> None:
    world.hostile_feed(body(rss([item(0)])))
    assert world.poll().code == 0  # baseline
    future, past = NOW.replace(year=2099), NOW.replace(year=1900)
    world.hostile_feed(body(rss([item(1, future), item(2, past),
                                 item(3, NOW - timedelta(hours=1)), item(0)])))

    run = world.poll()

    assert run.code == 0, run.output
    assert run.stderr.count("outside the last 20 years to tomorrow; refused") == 2
    stored = {r.title for r in world.releases().values()}
    assert stored == {"Synthetic Release 0, 2026", "Synthetic Release 3, 2026"}


def test_failed_bodies_are_kept_capped_and_few_so_the_database_stays_bounded(
        world: World) -> None:
    kept, cap, polls = 3, 16 * 1024, 8
    world.configure(polling={"keep_failed_bodies": kept, "failed_body_max_bytes": cap})
    error_page = os.urandom(2 * 1024 * 1024)  # 2 MB that does not compress: the worst case
    world.hostile_feed(body(error_page, "text/html", status=503))
    db_file = world.workdir / "bea.db"
    size_before = db_file.stat().st_size

    runs = [world.poll() for _ in range(polls)]

    assert all(run.code == 0 and "feed: error" in run.stdout for run in runs), runs[-1].output
    logged = [p for p in world.poll_log() if p.kind == "feed"]
    assert len(logged) == polls  # every failed poll is still in the log ...
    bodies = [zlib.decompress(p.raw_zlib) for p in logged if p.raw_zlib is not None]
    assert bodies == [error_page[:cap]] * kept  # ... the newest few keep their body, cut
    assert all(p.size == len(error_page) for p in logged)  # and the log says how big it was
    growth = db_file.stat().st_size - size_before
    # the kept bodies, one more being written, and room for the log rows and events
    assert growth <= (kept + 1) * cap * 1.1 + 256 * 1024, growth


def test_thirty_phantom_releases_in_one_minute_are_one_alert_and_bounded_requests(
        world: World) -> None:
    before, after, interval, dense = 2, 6, 2, 1  # seconds
    polling = {"idle_interval": "1h", "schedule_refresh": "2s", "burst_before": before,
               "burst_after": after, "burst_interval": interval,
               "burst_dense_interval": dense, "burst_dense_for": 2}
    world.configure(polling=polling)
    db_file = world.workdir / "bea.db"
    daemon = DaemonProcess(world.config, world.workdir / "daemon.log")
    try:
        daemon.wait_started()
        daemon.wait_for_log("idle poll: feed: 200")  # the baseline; the next idle is in 1 h
        world.bea.log.clear()
        first = whole_second(6)
        spread = 10  # seconds: 30 entries at 10 start times, all in one minute
        phantoms = [CalendarEntry(f"Phantom Accounts {n}", "3rd Quarter 2026",
                                  first + timedelta(seconds=n % spread)) for n in range(30)]
        world.bea.schedule_with(phantoms, keep_real=True)  # read by the next refresh

        daemon.wait_for_log("scheduled release(s) have not appeared", timeout=90)
        wait_for_heartbeat(db_file, daemon)  # one more round: nothing else is reported
        problems = world.events("source_problem")
        assert len(problems) == 1, [p.payload for p in problems]
        assert problems[0].payload["message"].startswith(
            "30 scheduled releases have not appeared")
        assert sorted(problems[0].payload["missing"]) == sorted(
            f"{p.title}, {p.period}" for p in phantoms)
        assert daemon.log_text().count("have not appeared") == 1

        # one feed poll per burst_interval serves every window; each phantom page is probed
        # at most once a tick while its own window is open
        span = spread + before + after  # the first window's opening to the last one's close
        feed_bound = span / interval + 2
        probe_bound = len(phantoms) * ((before + after) / dense + 2)
        feed = world.bea.log.count(urlsplit(world.bea.feed_url).path)
        pages = sum(1 for r in world.bea.log.records() if r.path.startswith("/news/"))
        print(f"requests: feed {feed} (bound {feed_bound:g}), pages {pages} "
              f"(bound {probe_bound:g})")
        assert feed <= feed_bound, feed
        assert pages <= probe_bound, pages
        assert daemon.running
    finally:
        daemon.terminate(timeout=30)
        daemon.close()


def churning_feed(world: World, value: float) -> str:
    """BEA's GDP item whose headline figure is ``value`` (each poll may change it), linked
    to a page on the hostile server (404 unless routed: then the feed item is the release's
    vintage); returns the page's path."""
    release = synthetic_gdp_release(NOW, seq=7)
    item = release.item_xml.replace(b"+1.5", b"+%.1f" % value) \
        .replace(b"1.5 percent", b"%.1f percent" % value) \
        .replace(b"https://www.bea.gov", world.hostile.base_url.encode()) \
        .replace(b"Wed, 26 Aug 2026 08:30:00 EDT", format_datetime(NOW).encode())
    feed = rss([]).replace(b"</channel>", item + b"</channel>")
    world.hostile_feed(body(feed))
    return release.path


def test_a_page_fetched_again_byte_for_byte_is_not_stored_again(world: World) -> None:
    page = synthetic_gdp_release(NOW, seq=7).page
    polls = 4
    for n in range(polls):  # the feed item changes every poll, so the page is crawled again
        path = churning_feed(world, 1.5 + n / 10)
        world.hostile.route(path, body(page, "text/html"))
        assert world.poll().code == 0

    page_snapshots = [s for s in world.snapshots() if s.kind == "page"]
    fetched = [p for p in world.poll_log() if p.kind == "page" and p.status == 200]
    assert len(fetched) == polls - 1  # every crawl after the baseline is in the poll log ...
    assert len(page_snapshots) == 1  # ... one snapshot holds the page's bytes


def test_a_page_that_changes_on_every_poll_alerts_once_per_interval_nothing_lost(
        world: World) -> None:
    interval = 600  # seconds
    world.configure(polling={"revision_alert_interval": interval})
    offset = world.workdir / "clock-offset"
    env = {TEST_CLOCK_ENV: str(offset)}
    values = [1.5, 1.6, 1.7, 1.8, 1.9]
    for value in values:  # the first is the baseline; each later one is a new vintage
        churning_feed(world, value)
        assert world.poll(env=env).code == 0

    revisions = world.events("revision")
    assert len(revisions) == 1  # 1.5 -> 1.6; the next three changes are held
    assert len([s for s in world.snapshots() if s.kind == "feed_item"]) == len(values)

    offset.write_text(str(interval + 60))  # the interval has passed; the page is quiet now
    run = world.poll(env=env)
    assert run.code == 0, run.output
    revisions = world.events("revision")
    assert len(revisions) == 2
    [headline] = [r for r in revisions[1].payload["revisions"] if r["new_value"] == 1.9]
    assert headline["old_value"] == 1.6  # from what the last alert said to the newest vintage
    newest = max(s.id for s in world.snapshots() if s.kind == "feed_item")
    assert revisions[1].snapshot_id == newest

    churning_feed(world, 2.0)  # right after an alert: held again
    assert world.poll(env=env).code == 0
    assert len(world.events("revision")) == 2
    assert len([s for s in world.snapshots() if s.kind == "feed_item"]) == len(values) + 1
