"""The daemon against a local BEA, a local SMTP sink and a webhook receiver.

Each test gets its own servers, database and config; the daemon runs as a subprocess
(``daemons()`` starts one, tests/support/daemon.py; every one started is stopped at
teardown and its log printed, which pytest shows when the test fails). ``tracker`` (the
CLI) comes from tests/integration/conftest.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from db.records import Subscription, SubscriptionFilter
from notifier.subscriptions import add_subscription
from tests.support.daemon import DaemonProcess

# Scaled down from the defaults (5m idle, 1m before, 15m after, 5s burst) so that a
# release a few seconds ahead is inside its burst window when the daemon starts.
FAST_POLLING = {"timeout": "5s", "idle_interval": "30s", "burst_before": "5s",
                "burst_after": "60s", "burst_interval": "1s"}


@pytest.fixture
def configure(write_config, bea, smtp) -> Callable[..., Path]:
    """(Re)write the config with ``polling`` (and ``delivery``) overrides; same path."""

    def make(delivery: dict[str, Any] | None = None, **polling: Any) -> Path:
        return write_config({
            "bea": bea.config(),
            "smtp": {"host": smtp.host, "port": smtp.port, "from": "alerts@bea-tracker.test",
                     "timeout": "5s"},
            "polling": {**FAST_POLLING, **polling},
            "delivery": {"backoff": "1s", "backoff_max": "2s", "max_attempts": 3,
                         "lease": "3s", **(delivery or {})},
        })

    return make


@pytest.fixture
def config_path(configure) -> Path:
    return configure()


@pytest.fixture
def db_file(tmp_path: Path, config_path: Path, database, db_url: str) -> Path | str:
    """The SQLite file the config points at (tests/conftest.py's ``db_url``), migrated;
    a PostgreSQL URL where a test runs on both backends (``query`` reads either)."""
    return tmp_path / "bea.db" if db_url.startswith("sqlite") else db_url


@pytest.fixture
def daemons(config_path: Path, tmp_path: Path) -> Iterator[Callable[..., DaemonProcess]]:
    """``daemons()`` starts ``bea-tracker run``; all are killed (if still up) at teardown."""
    started: list[DaemonProcess] = []

    def start(*args: str) -> DaemonProcess:
        daemon = DaemonProcess(config_path, tmp_path / f"daemon-{len(started) + 1}.log", *args)
        started.append(daemon)
        return daemon

    yield start
    for number, daemon in enumerate(started, 1):
        daemon.close()
        print(f"--- daemon {number} (pid {daemon.pid}, exit {daemon.proc.returncode}) ---")
        print(daemon.tail(25))


@pytest.fixture
def subscribe(database) -> Callable[..., Subscription]:
    """Add a subscription straight through the library (a CLI call costs ~1.5 s here;
    ``subscribe add`` has its own tests, and test_daemon_watchdog uses it)."""

    def add(kind: str, target: str, name: str, **flt: Any) -> Subscription:
        with database.unit_of_work() as session:
            return add_subscription(session, kind, target, name=name,
                                    filter=SubscriptionFilter(**flt))

    return add


@pytest.fixture
def subscribers(subscribe, hooks) -> dict[str, Subscription]:
    """One e-mail and one webhook subscriber to every new release."""
    return {"email": subscribe("email", "economist@example.com", "mail"),
            "webhook": subscribe("webhook", hooks.url_for("ops"), "ops")}


@pytest.fixture
def baseline(config_path, database, subscribers) -> None:
    """The first poll records the feed's 48 items as history (not alerted).

    Done in this process (``bea-tracker poll --once`` costs ~3-5 s of start-up here): a
    baseline crawls nothing, so it needs no Scrapy and no reactor.
    """
    from bea_tracker.config import load_config
    from bea_tracker.wiring import fetch_client, scraper_settings
    from scraper.poller import Poller

    config = load_config(config_path)

    async def first_poll():
        async with fetch_client(config) as client:
            return await Poller(database, scraper_settings(config), client, None).poll_feed()

    summary = asyncio.run(first_poll())
    assert summary.baseline and summary.items == 48, summary.line()
