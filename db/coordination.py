"""Several daemons on one PostgreSQL database: who polls BEA, and waking the deliverers.

Each daemon keeps one dedicated connection (outside the pool) on which it

- tries for the leader lock, a session-level advisory lock: the daemon holding it polls BEA,
  the others only deliver. The lock lives as long as that session: when the leader exits,
  is killed (kill -9) or its connection drops, PostgreSQL ends the session and frees the
  lock, and the next follower to try (every ``RETRY`` s) takes over. A leader whose machine
  vanishes without closing its TCP connection is found dead by the server's keepalive
  probes, set short on this session (idle 10 s, then 3 probes 5 s apart: about 25 s);
- LISTENs for new outbox rows (``db.dialect.notify_outbox``), so an idle deliverer wakes
  at once instead of at its next timer.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from db.dialect import LOCK_KEYS, OUTBOX_CHANNEL
from db.session import driver_url

logger = logging.getLogger(__name__)

RETRY = 1.0  # seconds between a follower's tries for the leader lock
KEEPALIVE = {"tcp_keepalives_idle": 10, "tcp_keepalives_interval": 5,
             "tcp_keepalives_count": 3}
LOST_LEADER_BOUND = 1 + KEEPALIVE["tcp_keepalives_idle"] + \
    KEEPALIVE["tcp_keepalives_interval"] * KEEPALIVE["tcp_keepalives_count"]


def supports_several(url: str) -> bool:
    """Only PostgreSQL lets several daemons share a database."""
    return url.startswith(("postgresql", "postgres:"))


class Coordinator:
    """One daemon's dedicated session: the leader lock and the outbox wake-ups.

    Not thread-safe: one thread (the daemon's coordinator thread) uses it.
    """

    def __init__(self, url: str) -> None:
        self._engine = create_engine(driver_url(url), poolclass=NullPool)
        self._conn: Connection | None = None
        self.leader = False

    def connect(self) -> None:
        conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        for name, value in KEEPALIVE.items():
            conn.exec_driver_sql(f"SET {name} = {int(value)}")
        conn.exec_driver_sql(f"LISTEN {OUTBOX_CHANNEL}")
        self._conn = conn
        self.leader = False

    @property
    def connected(self) -> bool:
        return self._conn is not None

    def try_lead(self) -> bool:
        """Take the leader lock if it is free; True while this session holds it."""
        assert self._conn is not None
        if self.leader:
            self._conn.exec_driver_sql("SELECT 1")  # still connected, so still the holder
            return True
        self.leader = bool(self._conn.execute(
            text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEYS["leader"]}).scalar())
        return self.leader

    def wait(self, timeout: float) -> int:
        """Wait up to ``timeout`` s for new-outbox notifications; returns how many came."""
        assert self._conn is not None
        raw: Any = self._conn.connection.driver_connection  # psycopg's Connection
        return len(list(raw.notifies(timeout=timeout, stop_after=1)))

    def close(self) -> None:
        """End the session (which frees the leader lock at once)."""
        conn, self._conn, self.leader = self._conn, None, False
        if conn is not None:
            try:
                conn.close()
            except Exception:  # a dead connection: closing it is best effort
                logger.debug("closing the coordinator connection failed", exc_info=True)
        self._engine.dispose()
