"""Feeds and pages that attack the fetch: every request is bounded in time and memory, and
nothing is fetched that is not http(s) on ``bea.allowed_hosts`` (redirect hops included).

Each test runs ``bea-tracker poll --once`` in a child process and checks what the user
sees: no crash, one clear line, the failure in ``status`` and as one source_problem, and
the child's peak memory well under the size of the attack.
"""

from __future__ import annotations

import asyncio
import zlib

import pytest

from scraper.fetch import MAX_BODY_BYTES, FetchClient, FetchPolicy
from tests.hostile.hostile_world import World, body, drip, gzip_bomb, never_ending, redirect, rss

# A poll of the local BEA peaks near 150 MB (Python, Scrapy, SQLAlchemy); an attack that
# got its body decoded into memory would add 512 MB or more.
MEMORY_BOUND_MB = 320
BOMB = 512 * 1024 * 1024


def failed_once(world: World, run, error: str) -> None:
    """The poll exited 0 with one line naming ``error``, logged it, raised one problem."""
    assert run.code == 0, run.output
    assert f"feed: error ({error}" in run.stdout, run.output
    assert run.stderr.count(f"failed: {error}") == 1, run.stderr
    problems = world.events("source_problem")
    assert len(problems) == 1 and error in str(problems[0].payload), problems[0].payload
    status = world.json("status")
    assert status["last_poll"]["error"].startswith(error)


def test_a_drip_feed_is_cut_at_the_deadline(world: World) -> None:
    """One byte every 0.2 s would hold a per-read timeout forever; the deadline is 2 s."""
    world.hostile_feed(drip(world.hostile.stopping))
    run = world.poll()
    failed_once(world, run, "DeadlineExceeded: no complete answer within 2 s")


def test_a_never_ending_body_stops_at_the_size_cap(world: World) -> None:
    world.hostile_feed(never_ending(world.hostile.stopping))
    run = world.poll()
    failed_once(world, run, "BodyTooLarge")
    assert run.maxrss_mb < MEMORY_BOUND_MB


@pytest.mark.parametrize("layers", [1, 2], ids=["gzip", "gzip-gzip"])
def test_a_gzip_bomb_is_refused_within_bounded_memory(world: World, layers: int) -> None:
    encoding = ", ".join(["gzip"] * layers)
    world.hostile_feed(body(gzip_bomb(BOMB, layers), headers={"Content-Encoding": encoding}))
    run = world.poll()
    error = "BodyTooLarge" if layers == 1 else "FetchError: stacked Content-Encoding"
    failed_once(world, run, error)
    assert run.maxrss_mb < MEMORY_BOUND_MB, f"{run.maxrss_mb:.0f} MB"


def test_a_feed_redirect_to_another_host_is_not_followed(world: World) -> None:
    """127.0.0.1 is allowed, ``localhost`` is not: the metadata path is never asked for."""
    metadata = f"http://localhost:{world.hostile.port}/latest/meta-data/iam/"
    world.hostile.route("/latest/meta-data/iam/", body(b"secret-credentials"))
    world.hostile_feed(redirect(metadata))
    run = world.poll()
    failed_once(world, run, "HostNotAllowed")
    assert "/latest/meta-data/iam/" not in world.hostile.requests
    assert "secret-credentials" not in run.output


def test_file_and_ftp_links_in_the_feed_are_never_read(world: World, tmp_path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:secret-line\n")
    links = [f"file://127.0.0.1{secret}", f"file://{secret}", "ftp://127.0.0.1/etc/passwd",
             "data:text/html,<h1>GDP</h1>"]
    world.hostile_feed(body(rss([
        {"title": f"GDP (Advance Estimate), 2nd Quarter 2026 {i}", "link": link,
         "guid": f"g{i}", "pubDate": "Thu, 30 Jul 2026 08:30:00 -0400"}
        for i, link in enumerate(links)])))
    assert world.poll().code == 0  # baseline: records the items, crawls nothing
    world.hostile.requests.clear()
    world.hostile_feed(body(rss([
        {"title": "GDP (Second Estimate), 2nd Quarter 2026", "link": link,
         "guid": f"n{i}", "pubDate": "Thu, 27 Aug 2026 08:30:00 -0400"}
        for i, link in enumerate(links)])))
    run = world.poll()
    assert run.code == 0, run.output
    assert run.stderr.count("is not http(s)") == len(links), run.stderr
    assert world.hostile.requests == ["/rss/rss.xml"]
    stored = b"".join(zlib.decompress(s.raw_zlib) for s in world.snapshots()
                      if s.raw_zlib)
    assert b"secret-line" not in stored
    assert "secret-line" not in run.output


def test_scrapy_has_no_non_http_download_handlers() -> None:
    from scraper.crawl.settings import crawl_settings

    settings = crawl_settings(FetchPolicy(("www.bea.gov",), "ua", deadline=3))
    assert settings["DOWNLOAD_HANDLERS"] == {"file": None, "s3": None, "ftp": None,
                                             "data": None}
    assert settings["DOWNLOAD_MAXSIZE"] == MAX_BODY_BYTES  # the one cap
    assert settings["DOWNLOAD_TIMEOUT"] == 3


@pytest.mark.parametrize("url", [
    "file://www.bea.gov/etc/passwd", "ftp://www.bea.gov/x", "gopher://www.bea.gov/",
    "https://evil.example/phish", "https://www.bea.gov@evil.example/",
    "https://user:pw@www.bea.gov/", "http://www.bea.gov:notaport/", "//www.bea.gov/x",
])
def test_the_policy_refuses_off_policy_urls(url: str) -> None:
    policy = FetchPolicy(("www.bea.gov",), "ua")
    assert not policy.allows(url)
    assert policy.allows("https://www.bea.gov/news/2026/gdp")


def test_the_probe_refuses_a_redirect_to_loopback_metadata(world: World) -> None:
    """The burst probe asks for a predicted page; a 302 to a host off the policy is
    refused before it is requested (it used to follow 28 of them in 30 s)."""
    from datetime import datetime, timezone

    from db.session import Database
    from scraper.page_store import PageSink
    from scraper.probe import ProbeTarget, probe_release

    metadata = f"http://localhost:{world.hostile.port}/latest/meta-data/"
    world.hostile.route("/latest/meta-data/", body(b"secret"))
    target = ProbeTarget("GDP (Advance Estimate), 2nd Quarter 2026",
                         datetime(2026, 7, 30, 12, 30, tzinfo=timezone.utc))
    predicted = target.url(world.hostile.base_url)
    world.hostile.route(predicted.removeprefix(world.hostile.base_url), redirect(metadata))
    database = Database(world.db_url)

    async def probe() -> object:
        async with FetchClient(FetchPolicy(("127.0.0.1",), "ua", deadline=2)) as client:
            return await probe_release(database, client, target,
                                       base_url=world.hostile.base_url,
                                       sink=PageSink(database))

    try:
        assert asyncio.run(probe()) is None
    finally:
        database.dispose()
    assert "/latest/meta-data/" not in world.hostile.requests
    assert [p.error for p in world.poll_log()][-1].startswith("HostNotAllowed")
