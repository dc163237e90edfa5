"""Feeds that flood or lie about dates: one poll takes at most
``polling.max_new_releases_per_poll`` new items (more is one source_problem, no alerts), and
items dated far in the past or in the future are refused with a problem."""

from __future__ import annotations

import os
import zlib
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from tests.hostile.hostile_world import World, body, rss

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
