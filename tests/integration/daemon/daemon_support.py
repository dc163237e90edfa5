"""Helpers for the daemon tests: the daemon as a subprocess, waiting, reading the database.

The daemon runs in its own process because Twisted's reactor runs once per process (and
because the crash tests kill it with SIGKILL). Its log goes to a file per process.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

BEA_TRACKER = str(Path(sys.executable).with_name("bea-tracker"))
T = TypeVar("T")


def whole_second(ahead: float) -> datetime:
    """A UTC time on a whole second, at least ``ahead`` s from now.

    BEA's calendar (and so the ICS the local BEA serves) keeps whole seconds; publishing
    the page at exactly the scheduled second keeps "page live at the scheduled time" true.
    """
    moment = datetime.now(timezone.utc) + timedelta(seconds=ahead)
    return moment.replace(microsecond=0) + timedelta(seconds=1)


class DaemonProcess:
    """``bea-tracker --config CFG run`` in its own process, stdout+stderr in ``log_path``."""

    def __init__(self, config: Path, log_path: Path, *args: str) -> None:
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [BEA_TRACKER, "--config", str(config), "run", *args],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        self.pid = self.proc.pid
        self.started = time.monotonic()

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    def wait_started(self, timeout: float = 30.0) -> None:
        """Until the daemon has claimed the database and started its scheduler."""
        wait_until(lambda: "daemon started" in self.log_text() or not self.running,
                   timeout, "the daemon to start", self)
        if not self.running:
            raise AssertionError(f"daemon exited {self.proc.returncode}:\n{self.tail()}")

    def terminate(self, timeout: float = 15.0) -> tuple[int, float]:
        """SIGTERM; returns (exit code, seconds it took to exit)."""
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        return code, time.monotonic() - t0

    def kill(self) -> None:
        """SIGKILL (kill -9): no handler runs, nothing is flushed or released."""
        self.proc.kill()
        self.proc.wait(10)

    def close(self) -> None:
        if self.running:
            self.kill()
        self._log.close()


def wait_until(check: Callable[[], T], timeout: float, what: str,
               daemon: DaemonProcess | None = None, every: float = 0.05) -> T:
    """Poll ``check`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            log = f"\n--- daemon log (tail) ---\n{daemon.tail()}" if daemon else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {what}{log}")
        time.sleep(every)


def query(db_file: Path, sql: str, *params: Any) -> list[tuple]:
    """Rows from the tracker's SQLite database (a short read, as any other reader)."""
    with closing(sqlite3.connect(db_file, timeout=30)) as conn:
        return conn.execute(sql, params).fetchall()


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
