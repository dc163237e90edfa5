"""``bea-tracker run`` as a child process, and readers of the database it writes.

The daemon runs in its own process because Twisted's reactor runs once per process (and
because the crash tests kill it with SIGKILL). Its stdout and stderr go to a log file.
Readiness is the log line ``daemon started`` (the daemon has claimed the database and
started its scheduler: :meth:`wait_started`). :meth:`terminate` waits for ``daemon
starting`` (from then on the daemon handles SIGTERM, exit 0) before sending the signal, so
a slow start on a busy machine is never mistaken for a daemon that dies of it.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from tests.support.cli import start_cli
from tests.support.waiting import wait_until

READY_LINE = "daemon started"
# logged once the process handles SIGTERM itself (a clean stop, exit 0); a signal before
# it (the interpreter still starting) would kill it with -15
SIGNALS_HANDLED_LINE = "daemon starting"
START_TIMEOUT = 60.0  # seconds: an upper bound for start-up on a busy machine


def whole_second(ahead: float) -> datetime:
    """A UTC time on a whole second, at least ``ahead`` s from now.

    BEA's calendar (and so the ICS the local BEA serves) keeps whole seconds; publishing
    the page at exactly the scheduled second keeps "page live at the scheduled time" true.
    """
    moment = datetime.now(timezone.utc) + timedelta(seconds=ahead)
    return moment.replace(microsecond=0) + timedelta(seconds=1)


class DaemonProcess:
    """``bea-tracker --config CFG run ARGS`` in its own process, output in ``log_path``."""

    def __init__(self, config: Path, log_path: Path, *args: str,
                 env: dict[str, str] | None = None) -> None:
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in close()
        self.proc = start_cli("run", *args, config=config, stdout=self._log,
                              stderr=subprocess.STDOUT, env=env)
        self.pid = self.proc.pid
        self.started = time.monotonic()

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    @property
    def ready(self) -> bool:
        return READY_LINE in self.log_text()

    def wait_for_log(self, text: str, timeout: float = 30.0) -> None:
        """Until ``text`` appears in the log; fails (with the log) if the daemon exits."""
        wait_until(lambda: text in self.log_text() or not self.running, timeout,
                   f"{text!r} in the daemon's log", self)
        if text not in self.log_text():
            raise AssertionError(f"daemon exited {self.proc.returncode} before logging "
                                 f"{text!r}:\n{self.tail()}")

    def wait_started(self, timeout: float = START_TIMEOUT) -> None:
        """Until the daemon has claimed the database and started its scheduler."""
        self.wait_for_log(READY_LINE, timeout)

    def terminate(self, timeout: float = 15.0) -> tuple[int, float]:
        """SIGTERM once the daemon handles it (its ``daemon starting`` line); returns (exit
        code, seconds it took to exit after the signal)."""
        if self.running and SIGNALS_HANDLED_LINE not in self.log_text():
            self.wait_for_log(SIGNALS_HANDLED_LINE, START_TIMEOUT)
        t0 = time.monotonic()
        if self.running:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        return code, time.monotonic() - t0

    def kill(self) -> None:
        """SIGKILL (kill -9), at any moment: no handler runs, nothing is flushed."""
        self.proc.kill()
        self.proc.wait(10)

    def close(self) -> None:
        if self.running:
            self.kill()
        self._log.close()


def query(db_file: Path | str, sql: str, *params: Any) -> list[tuple]:
    """Rows from the tracker's database (a short read, as any other reader): a SQLite
    file's path, or a PostgreSQL URL (``?`` placeholders either way)."""
    if isinstance(db_file, str):
        from sqlalchemy import create_engine

        from db.session import driver_url

        engine = create_engine(driver_url(db_file))
        try:
            with engine.connect() as conn:
                rows = conn.exec_driver_sql(sql.replace("?", "%s"), tuple(params))
                return [tuple(row) for row in rows]
        finally:
            engine.dispose()
    with closing(sqlite3.connect(db_file, timeout=30)) as conn:
        return conn.execute(sql, params).fetchall()


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def heartbeat_at(db_file: Path | str) -> datetime | None:
    """When the running daemon last wrote its heartbeat (None before its first); on
    PostgreSQL (several daemons, no one-daemon claim) the newest row of ``daemons``."""
    if isinstance(db_file, str):
        rows = query(db_file, "SELECT max(heartbeat_at) FROM daemons WHERE state = 'running'")
        beat = rows[0][0] if rows else None
        return beat.replace(tzinfo=timezone.utc) if beat else None
    rows = query(db_file, "SELECT value FROM daemon_state")
    value = json.loads(rows[0][0]) if rows else {}
    return parse_time(value.get("heartbeat_at"))


def wait_for_heartbeat(db_file: Path | str, log: DaemonProcess | None = None,
                       timeout: float = 30.0) -> datetime:
    """Until the daemon writes a heartbeat after now: its loop went round at least once
    more (a condition to wait on before checking that nothing more happened)."""
    now = datetime.now(timezone.utc)
    return wait_until(lambda: (beat := heartbeat_at(db_file)) is not None and beat > now
                      and beat, timeout, "the daemon's next heartbeat", log)
