"""The outbound Atom feed: ``bea-tracker feed --out`` and the daemon's /feed.atom."""

from __future__ import annotations

import feedparser
import httpx

from tests.integration.bea_tracker.daemon.test_daemon_ops import SERVING, with_http
from tests.support.seeding import seed_release
from tests.support.waiting import wait_until


def check_feed(text: bytes, url: str) -> None:
    parsed = feedparser.parse(text)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "BEA releases, as bea-tracker saw them"
    ours = [e for e in parsed.entries if e.get("link") == url]
    kinds = [e.tags[0].term for e in ours]
    assert kinds == ["revision", "release"], kinds  # newest first
    revision, release = ours
    # the headline figure in the title; the markup in the page's title stays text
    assert "-$88.6 billion" in release.title and "<script>x</script>" in release.title
    body = release.content[0].value
    assert "Trade balance" in body and "-$88.6 billion" in body and "-$71.2 billion" in body
    assert "Page live: Tue Oct 6, 2026, 12:30 PM UTC" in body
    assert "In BEA's feed: Tue Oct 6, 2026, 12:31 PM UTC" in body
    assert "-88.6 -> -89.0" in revision.title
    assert "-$88.6 billion -> -$89.0 billion" in revision.content[0].value
    # the page's markup is escaped text in the entry's HTML (never live markup in a reader)
    assert b"&amp;lt;script&amp;gt;x&amp;lt;/script&amp;gt;" in text


def test_feed_out_parses_and_carries_the_release(tracker, database, bea, tmp_path):
    url = seed_release(database, bea.base_url)
    out = tmp_path / "releases.atom"
    done = tracker("feed", "--out", str(out))
    assert "wrote 2 entries" in done.stderr and str(out) in done.stderr
    check_feed(out.read_bytes(), url)

    # a release whose URL is off bea.allowed_hosts: listed, never linked
    seed_release(database, "https://evil.example", title="Offsite GDP", revise=False)
    tracker("feed", "--out", str(out))
    parsed = feedparser.parse(out.read_bytes())
    assert any(e.title.startswith("BEA: Offsite GDP") for e in parsed.entries)
    assert "evil.example" not in out.read_text()

    # standard output without --out
    assert feedparser.parse(tracker("feed").stdout.encode()).entries


def test_feed_out_that_cannot_be_written(tracker, database, tmp_path):
    missing = tracker("feed", "--out", str(tmp_path / "nope" / "f.atom"), check=False)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert "does not exist" in missing.stderr and "Traceback" not in missing.stderr
    folder = tracker("feed", "--out", str(tmp_path), check=False)
    assert folder.returncode == 2 and "is a folder" in folder.stderr
    # writing fails (a full device; file permissions do not stop root)
    full = tracker("feed", "--out", "/dev/full", check=False)
    assert full.returncode == 1 and full.stderr.count("\n") == 1
    assert full.stderr.startswith("error: --out /dev/full: cannot write: No space left")


def test_daemon_serves_feed_atom(configure, daemons, database, bea):
    config = configure(idle_interval="1h")
    with_http(config)
    url = seed_release(database, bea.base_url)
    daemon = daemons()
    base = wait_until(lambda: (m := SERVING.search(daemon.log_text())) and m.group(1), 60,
                      "the HTTP listener", daemon)
    answer = httpx.get(base + "feed.atom", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    check_feed(answer.content, url)
    assert feedparser.parse(answer.content).feed.links[0].href == base + "feed.atom"
