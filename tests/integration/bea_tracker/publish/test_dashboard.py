"""The dashboard at / on a running daemon, read in a real headless browser (Debian's
chromium): it renders the release and its figures, and markup in a title shows as text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import httpx
import pytest

from db.queries import find_release
from db.records import ScheduledRelease, ScheduleRecord
from db.releases import mark_scheduled
from db.schedule_store import store_schedule
from tests.integration.bea_tracker.daemon.test_daemon_ops import SERVING, with_http
from tests.support.seeding import RELEASED, SLUG, TITLE, seed_release
from tests.support.waiting import wait_until

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def dump_dom(url: str, profile) -> str:
    """The page as chromium rendered it (its DOM after load, serialised)."""
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class Tables(HTMLParser):
    """The text of each cell of each table with an id, and every <script> element."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.scripts = 0
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        if tag == "table":
            self._table = dict(attrs).get("id")
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_dashboard_in_a_headless_browser(configure, daemons, database, bea, tmp_path):
    if not shutil.which(CHROMIUM):
        # like the PostgreSQL half: skipped with the reason on a machine without the browser,
        # a failure where it is required (.ci/run installs it and sets the variable)
        missing = "chromium is missing: apt-get install chromium (Debian's package)"
        assert not os.environ.get("BEA_TRACKER_REQUIRE_CHROMIUM"), missing
        pytest.skip(missing)
    config = configure(idle_interval="1h")
    with_http(config)
    seed_release(database, bea.base_url, revise=False)
    with database.unit_of_work() as session:
        mark_scheduled(session, find_release(session, SLUG).id, RELEASED)
    daemon = daemons()
    base = wait_until(lambda: (m := SERVING.search(daemon.log_text())) and m.group(1), 60,
                      "the HTTP listener", daemon)
    # ours after the daemon's schedule refresh (which would cancel what the local BEA's
    # schedule does not list); soon, so that it is among the next releases shown
    wait_until(lambda: 'bea_tracker_polls_total{outcome="ok",source="schedule"} 1.0'
               in httpx.get(base + "metrics", timeout=30).text, 60, "a schedule refresh", daemon)
    ahead = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=50)
    with database.unit_of_work() as session:
        store_schedule(session, ScheduleRecord(events=(
            ScheduledRelease("GDP <i>(Second Estimate)</i>", "Q3 2026", ahead, "news"),)))
    # the page as served: the markup is escaped text, and no script at all
    served = httpx.get(base, timeout=30)
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/html")
    assert "<script>x</script>" not in served.text and "<script" not in served.text

    page = Tables()
    page.feed(dump_dom(base, tmp_path / "chromium-profile"))
    assert page.scripts == 0  # the title's <script> stayed text in the rendered DOM
    latest = {row[0]: row for row in page.tables["latest"][1:]}
    trade = latest["Trade balance"]
    assert trade[1:4] == ["August 2026", "", "-$88.6 billion"] and trade[4] == "$ billions"
    assert trade[5] == TITLE  # <script>x</script> [bold] shown as the characters they are
    upcoming = page.tables["upcoming"][1:]
    gdp = next(row for row in upcoming if row[0] == "GDP <i>(Second Estimate)</i>")
    assert gdp[1] == "Q3 2026" and re.fullmatch(r"(4[0-9]|50) min", gdp[3]), gdp
    latency = {row[0]: row for row in page.tables["latency"][1:]}
    assert latency[TITLE][1:4] == ["2026-10-06 12:30 UTC", "2026-10-06 12:30 UTC",
                                   "2026-10-06 12:31 UTC"]
    assert latency[TITLE][4] == "+90 s"  # the page was live 90 s before BEA's feed had it
    deliveries = page.tables["deliveries"]
    assert "dead" in deliveries[0] and deliveries[1][deliveries[0].index("dead")] == "0"
