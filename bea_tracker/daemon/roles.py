"""A daemon's role on its database: leader (polls BEA and delivers) or deliverer.

On SQLite one daemon runs per database (a second is refused): it leads from the start. On
PostgreSQL any number run; a thread holds the daemon's coordinator session
(``db.coordination``), tries for the leader lock every second, and turns new-outbox
notifications into wake-ups of the delivery loop. Role changes and wake-ups are handed to
the event loop with ``call_soon_threadsafe``; nothing here touches the scheduler.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

from db.coordination import RETRY, Coordinator
from db.daemons import DELIVERER, LEADER

logger = logging.getLogger(__name__)


class RoleKeeper:
    """Runs the coordinator session in a thread; reports role changes and wake-ups."""

    def __init__(self, url: str, loop: asyncio.AbstractEventLoop,
                 on_role: Callable[[str], None], on_wake: Callable[[], None]) -> None:
        self._url = url
        self._loop = loop
        self._on_role = on_role
        self._on_wake = on_wake
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bea-roles", daemon=True)
        self.role: str | None = None  # the first try always reports a role

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop trying; the session ends, so a held leader lock is freed at once."""
        self._stop.set()
        self._thread.join(timeout)

    def _set(self, role: str) -> None:
        if role != self.role:
            self.role = role
            self._loop.call_soon_threadsafe(self._on_role, role)

    def _run(self) -> None:
        coordinator = Coordinator(self._url)
        try:
            while not self._stop.is_set():
                try:
                    if not coordinator.connected:
                        coordinator.connect()
                    self._set(LEADER if coordinator.try_lead() else DELIVERER)
                    if coordinator.wait(RETRY):
                        self._loop.call_soon_threadsafe(self._on_wake)
                except Exception as exc:  # the database went away: follow, then retry
                    logger.warning("coordinator session lost (%s: %s); retrying in %.0f s",
                                   type(exc).__name__, str(exc).splitlines()[0] if str(exc)
                                   else "", RETRY)
                    coordinator.close()
                    self._set(DELIVERER)
                    self._stop.wait(RETRY)
        finally:
            coordinator.close()
