"""A tracker under test against a local BEA (the scraper's integration tests): its config,
the real CLI, and readers of the SQLite database it writes; publishing releases.

``bea-tracker poll --once`` runs Twisted's reactor, which a process can run only once, so
every poll is a child process (``Tracker.poll``). Query commands and ``parse`` need no
reactor and run in-process (``Tracker.cli``); both through tests/support/cli.py.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bea_tracker.demo.localbea import LocalBea, SyntheticRelease, synthetic_gdp_release
from db.models import Event, PollLog, Release, Snapshot
from db.session import Database
from tests.support.cli import CliResult, run_cli

PYTHON_WARNING = re.compile(r"^\S+:\d+: \w*Warning: ", re.M)
POLL_BOUND = 90.0  # seconds: an upper bound for one poll, never a speed expectation

Poll = CliResult  # one finished ``bea-tracker poll --once``


class Tracker:
    """The tracker under test: its config file, its database, its CLI."""

    def __init__(self, bea: LocalBea, workdir: Path) -> None:
        self.bea = bea
        self.workdir = workdir
        self.db_url = f"sqlite:///{workdir / 'bea.db'}"
        self.db = Database(self.db_url)
        self.first: Poll | None = None  # set by fixtures that run a first poll
        self.bea_section: dict[str, Any] = {}  # overrides of LocalBea's ``bea:`` section
        self.configure()

    def configure(self, **polling: Any) -> Path:
        """(Re)write the config: LocalBea's ``bea:`` section, a short timeout, threshold 2."""
        config = {
            "database": {"url": self.db_url},
            "bea": self.bea.config() | {"user_agent": "bea-tracker-tests (test@example.org)"}
            | self.bea_section,
            "polling": {"timeout": 5, "failure_threshold": 2} | polling,
            "logging": {"level": "INFO"},
        }
        self.config = self.workdir / "config.yaml"
        self.config.write_text(yaml.safe_dump(config), encoding="utf-8")
        return self.config

    def poll(self, *args: str) -> Poll:
        """Run ``bea-tracker --config CFG poll --once ARGS`` (no schedule unless asked)."""
        if "--schedule" in args:
            args = tuple(a for a in args if a != "--schedule")
        else:
            args = ("--no-schedule", *args)
        done = run_cli("poll", "--once", *args, config=self.config, timeout=POLL_BOUND,
                       cwd=self.workdir, env={"PYTHONWARNINGS": "default"})  # warnings shown
        assert not PYTHON_WARNING.search(done.stderr), done.stderr  # ... and failed on
        return done

    def cli(self, *args: str) -> CliResult:
        """Run a query command in-process."""
        return run_cli(*args, config=self.config)

    def cli_json(self, *args: str) -> Any:
        result = self.cli(*args, "--json")
        assert result.exit_code == 0, result.output
        return result.json()

    # -- reading the database ---------------------------------------------------------
    def releases(self) -> dict[str, Release]:
        with self.db.session() as session:
            return {r.url: r for r in session.scalars(select(Release))}

    def release(self, path: str) -> Release:
        found = self.releases().get(self.bea.url(path))
        assert found is not None, f"no release stored for {path}"
        return found

    def snapshots(self, path: str) -> list[Snapshot]:
        release = self.release(path)
        with self.db.session() as session:
            return list(session.scalars(select(Snapshot).where(
                Snapshot.release_id == release.id).order_by(Snapshot.id)))

    def events(self, kind: str | None = None) -> list[Event]:
        with self.db.session() as session:
            stmt = select(Event).order_by(Event.id)
            if kind:
                stmt = stmt.where(Event.kind == kind)
            return list(session.scalars(stmt))

    def poll_log(self, path: str | None = None) -> list[PollLog]:
        with self.db.session() as session:
            stmt = select(PollLog).order_by(PollLog.id)
            if path is not None:
                stmt = stmt.where(PollLog.url == self.bea.url(path))
            return list(session.scalars(stmt))

    def show(self, path: str) -> dict[str, Any]:
        """``bea-tracker show URL --json`` for the release at ``path``."""
        return self.cli_json("show", self.bea.url(path))

    def figure(self, path: str, indicator: str, period: str,
               unit: str | None = None) -> dict[str, Any]:
        """The one current figure of the release at ``path`` for indicator and period."""
        return pick(self.show(path)["figures"], indicator, period, unit)


def pick(figures: list[dict[str, Any]], indicator: str, period: str,
         unit: str | None = None) -> dict[str, Any]:
    """The one figure among ``figures`` (``--json`` shapes) matching the given keys."""
    found = [f for f in figures if f["indicator"] == indicator and f["period"] == period
             and unit in (None, f["unit"])]
    assert len(found) == 1, f"{indicator} {period} {unit}: {found or figures}"
    return found[0]


def raw(row: PollLog) -> bytes:
    """The body a poll kept because it could not be used."""
    assert row.raw_zlib is not None, f"poll of {row.url} kept no body"
    return zlib.decompress(row.raw_zlib)


@contextmanager
def module_tracker(factory: pytest.TempPathFactory, name: str) -> Iterator[Tracker]:
    """A tracker with its own local BEA, for a module-scoped fixture."""
    with LocalBea() as server:
        tracker = Tracker(server, factory.mktemp(name))
        try:
            yield tracker
        finally:
            tracker.db.dispose()


def publish_gdp(bea: LocalBea, seq: int | None = None) -> SyntheticRelease:
    """Publish BEA's real GDP advance page (renamed when ``seq`` is given) with its item."""
    from datetime import datetime, timezone

    release = synthetic_gdp_release(datetime.now(timezone.utc), seq=seq)
    bea.publish(release)
    return release


def publish_and_poll(tracker: Callable[..., CliResult], bea: LocalBea,
                     seq: int = 1) -> SyntheticRelease:
    """A baseline poll (the feed's 48 items become history), then a new release published
    on the local BEA and polled: ``tracker`` is the integration ``tracker`` fixture."""
    from datetime import datetime, timezone

    tracker("poll", "--once")
    release = synthetic_gdp_release(datetime.now(timezone.utc), seq=seq)
    bea.publish(release)
    tracker("poll", "--once", "--no-schedule")
    return release


# -- bad pages, made by editing BEA's real GDP advance page ----------------------------
NOT_BEA = b"<!DOCTYPE html>\n<html><body><h1>404 Not Found</h1></body></html>\n"


def _headline(page: bytes) -> tuple[int, int]:
    """Start and end of the first paragraph of the page's body (the headline paragraph)."""
    start = page.index(b"<p>", page.index(b"field--name-body"))
    return start, page.index(b"</p>", start) + len(b"</p>")


def truncated(page: bytes) -> bytes:
    """The page cut right after its headline paragraph (a connection that dropped)."""
    return page[: _headline(page)[1]]


def headline_moved(page: bytes) -> bytes:
    """The headline paragraph taken out of the body and put, as a highlight box, above
    the title (the kind of change a redesign brings)."""
    start, end = _headline(page)
    box = b'<div class="release-highlight">' + page[start + 3: end - 4] + b"</div>"
    page = page[:start] + page[end:]
    title = page.index(b"<h1")
    return page[:title] + box + page[title:]


BAD_PAGES = {
    "truncated": truncated,
    "moved": headline_moved,
    "not_bea": lambda page: NOT_BEA,
    "empty": lambda page: b"",
}
