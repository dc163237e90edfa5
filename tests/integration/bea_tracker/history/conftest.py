"""Fixtures for the history tools: a local BEA, ``bea-tracker backfill`` in a child process
(Twisted's reactor runs once per process), and readers of the SQLite file it writes."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bea_tracker.demo.localbea import LocalBea, data
from db.models import Event, Release, Snapshot
from db.session import Database
from tests.support.cli import CliResult, run_cli, start_cli

RUN_BOUND = 120.0  # seconds: an upper bound for one backfill, never a speed expectation


Run = CliResult  # one finished ``bea-tracker backfill --json``; ``json()`` its summary


class Backfiller:
    """The tracker under test: a config pointing at the local BEA, its CLI, its database."""

    def __init__(self, bea: LocalBea, database: Database, config: Path, workdir: Path) -> None:
        self.bea = bea
        self.db = database
        self.config = config
        self.workdir = workdir

    def run(self, *args: str) -> Run:
        return run_cli("backfill", "--json", *args, config=self.config, timeout=RUN_BOUND,
                       cwd=self.workdir)

    def start(self, *args: str) -> subprocess.Popen[str]:
        return start_cli("backfill", "--json", *args, config=self.config, cwd=self.workdir,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def url_file(self, *lines: str, name: str = "urls.txt") -> str:
        path = self.workdir / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return str(path)

    def page_snapshots(self) -> dict[str, int]:
        """Release URL -> how many page snapshots are stored for it."""
        with self.db.session() as session:
            rows = session.execute(
                select(Release.url, func.count(Snapshot.id))
                .join(Snapshot, Snapshot.release_id == Release.id)
                .where(Snapshot.kind == "page").group_by(Release.url)
            ).all()
        return {url: count for url, count in rows}

    def releases(self) -> list[Release]:
        with self.db.session() as session:
            return list(session.scalars(select(Release).order_by(Release.id)))

    def events(self) -> list[Event]:
        with self.db.session() as session:
            return list(session.scalars(select(Event).order_by(Event.id)))


@pytest.fixture
def backfiller(bea: LocalBea, database: Database, write_config: Callable[..., Path],
               tmp_path: Path) -> Backfiller:
    config = write_config({
        "bea": bea.config() | {"user_agent": "bea-tracker-tests (test@example.org)"},
        "polling": {"timeout": 10},
        "logging": {"level": "INFO"},
    })
    return Backfiller(bea, database, config, tmp_path)


def _store_page(database: Database, url: str, body: bytes, fetched_at: datetime) -> Any:
    """Extract and store one release page the way the crawler's pipeline does."""
    from db.store import Fetched, store_snapshot
    from scraper.extract import extract_release

    record = extract_release(body, url)
    with database.unit_of_work() as session:
        return store_snapshot(session, Fetched(url, body, fetched_at), record,
                              release_url=url, history=True, baseline=True)


def _synthetic_second_estimate(real_gdp: str) -> bytes:
    """BEA's real GDP advance page for 2026Q2 edited into a "second estimate" (synthetic):
    title, release date and the real GDP growth rate changed, everything else real."""
    page = data.load(data.GDP_ADVANCE_FILE)
    edits = {
        b"GDP (Advance Estimate), 2nd Quarter 2026": b"GDP (Second Estimate), 2nd Quarter 2026",
        b"Thursday, July 30, 2026": b"Wednesday, August 26, 2026",
        b"annual rate of 1.5 percent": b"annual rate of " + real_gdp.encode() + b" percent",
    }
    for old, new in edits.items():
        assert old in page
        page = page.replace(old, new)
    return page


@pytest.fixture
def real_pages(database: Database) -> Callable[..., None]:
    """Store BEA's three real release pages (at bea.gov URLs), fetched when released."""

    def store(*paths: str) -> None:
        released = {data.GDP_ADVANCE_PATH: datetime(2026, 7, 30, 12, 31, tzinfo=timezone.utc),
                    data.ITA_PATH: datetime(2026, 6, 24, 12, 31, tzinfo=timezone.utc),
                    data.PIO_PATH: datetime(2026, 8, 26, 12, 31, tzinfo=timezone.utc)}
        for path in paths or tuple(data.RELEASE_PAGES):
            body = data.load(data.RELEASE_PAGES[path])
            _store_page(database, data.BEA_BASE_URL + path, body, released[path])

    return store


@pytest.fixture
def store_page(database: Database) -> Callable[[str, bytes, datetime], Any]:
    """``store_page(url, body, fetched_at)``: extract and store a page (a vintage)."""
    return lambda url, body, fetched_at: _store_page(database, url, body, fetched_at)


@pytest.fixture
def synthetic_second_estimate() -> Callable[[str], bytes]:
    """``synthetic_second_estimate("1.3")``: the real advance page edited into a second
    estimate with that real GDP growth rate (synthetic)."""
    return _synthetic_second_estimate
