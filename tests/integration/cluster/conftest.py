"""Several daemons on one PostgreSQL database (a throwaway cluster from tests/conftest.py),
against a local BEA and a webhook receiver.

Each daemon gets its own config file, the same but for ``bea.user_agent`` (``daemon-N``),
so the local BEA's request log tells which daemon asked for what. Daemons run as child
processes (``python -m bea_tracker``, this tree's code first on the path); all are killed
at teardown and the end of each log is printed (pytest shows it when a test fails).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import create_engine, text

from db.records import Subscription, SubscriptionFilter
from db.session import Database, driver_url
from tests.support.paths import ROOT
from tests.support.waiting import wait_until

FAST_POLLING = {"timeout": "5s", "idle_interval": "30s", "burst_before": "5s",
                "burst_after": "60s", "burst_interval": "1s"}
READY = "daemon started"
LEADS = "leader: this daemon polls BEA"


class Daemon:
    """``bea-tracker run`` in its own process; output in a log file."""

    def __init__(self, number: int, config: Path, log: Path) -> None:
        self.number = number
        self.agent = f"daemon-{number}"
        self.log_path = log
        self._log = open(log, "wb")  # noqa: SIM115 - closed in close()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bea_tracker", "--config", str(config), "run"],
            stdout=self._log, stderr=subprocess.STDOUT, env=env)
        self.pid = self.proc.pid

    def text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    def wait_for(self, line: str, timeout: float = 60) -> None:
        wait_until(lambda: line in self.text() or not self.running, timeout,
                   f"{line!r} in daemon-{self.number}'s log")
        assert line in self.text(), f"daemon-{self.number} exited:\n{self.text()[-3000:]}"

    @property
    def leads(self) -> bool:
        return self.running and LEADS in self.text()

    def kill(self) -> None:
        """kill -9: no goodbye, no cleanup."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def close(self) -> None:
        if self.running:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self._log.close()


@pytest.fixture
def backend() -> str:
    return "postgresql"  # several daemons share only a PostgreSQL database


@pytest.fixture
def config_for(bea, tmp_path: Path, database_url: str) -> Callable[..., Path]:
    """``config_for(n, lease=..., **polling)``: daemon n's config (its own User-Agent);
    a short delivery lease (3 s) unless told otherwise."""

    def make(number: int, lease: str = "3s", **polling: Any) -> Path:
        bea_section = {**bea.config(), "user_agent": f"daemon-{number}"}
        path = tmp_path / f"config-{number}.yaml"
        path.write_text(yaml.safe_dump({
            "database": {"url": database_url},
            "bea": bea_section,
            "polling": {**FAST_POLLING, **polling},
            # the receivers run on 127.0.0.1
            "delivery": {"backoff": "1s", "backoff_max": "2s", "max_attempts": 3,
                         "lease": lease, "allow_private_targets": True},
        }), encoding="utf-8")
        return path

    return make


@pytest.fixture
def start_daemons(config_for, tmp_path: Path) -> Iterator[Callable[..., list[Daemon]]]:
    started: list[Daemon] = []

    def start(count: int, **polling: Any) -> list[Daemon]:
        new = []
        for _ in range(count):
            number = len(started) + 1
            daemon = Daemon(number, config_for(number, **polling),
                            tmp_path / f"daemon-{number}.log")
            started.append(daemon)
            new.append(daemon)
        for daemon in new:
            daemon.wait_for(READY)
        return new

    yield start
    for daemon in started:
        daemon.close()
        print(f"--- daemon-{daemon.number} (pid {daemon.pid}, exit {daemon.proc.returncode})")
        print("\n".join(daemon.text().splitlines()[-20:]))


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


@pytest.fixture
def sql(database_url: str) -> Iterator[Callable[..., list[tuple]]]:
    engine = create_engine(driver_url(database_url))

    def run(statement: str, **params: Any) -> list[tuple]:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(statement), params)]

    yield run
    engine.dispose()


@pytest.fixture
def next_heartbeats(sql: Callable[..., list[tuple]]) -> Callable[[list[Daemon]], None]:
    """``next_heartbeats(daemons)``: wait until each of them still running writes a
    heartbeat after now: each went round its loop once more (burst ticks, delivery
    wake-ups); then check that nothing more came."""

    def wait(daemons: list[Daemon]) -> None:
        now = datetime.now(timezone.utc).replace(tzinfo=None)  # stored as naive UTC
        pids = {d.pid for d in daemons if d.running}

        def beaten() -> bool:
            rows = sql("SELECT pid FROM daemons WHERE state = 'running' AND "
                       "heartbeat_at > :now", now=now)
            return pids <= {pid for (pid,) in rows}

        wait_until(beaten, 30, "every running daemon's next heartbeat")

    return wait


@pytest.fixture
def subscribe(database) -> Callable[..., Subscription]:
    from notifier.subscriptions import add_subscription

    def add(target: str, name: str) -> Subscription:
        with database.unit_of_work() as session:
            return add_subscription(session, "webhook", target, name=name,
                                    filter=SubscriptionFilter())

    return add


@pytest.fixture
def baseline(config_for, database) -> None:
    """The first poll records the feed's 48 items as history (not alerted), in this
    process (a baseline crawls nothing: no reactor needed)."""
    from bea_tracker.config import load_config
    from bea_tracker.wiring import fetch_client, scraper_settings
    from scraper.poller import Poller

    config = load_config(config_for(0))

    async def first_poll():
        async with fetch_client(config) as client:
            return await Poller(database, scraper_settings(config), client, None).poll_feed()

    summary = asyncio.run(first_poll())
    assert summary.baseline and summary.items == 48, summary.line()
