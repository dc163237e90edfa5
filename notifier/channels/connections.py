"""Connections for the Slack and webhook senders: pooled, and only to checked addresses.

Why: a new connection (and a new event loop) per send cost more than the send itself, and
the target policy resolved a name, checked it, then let the HTTP client resolve it again at
connect time, so a name that flips to 127.0.0.1 in between (DNS rebinding) reached inside.

Here every send runs on one long-lived event loop (a daemon thread, started on first use),
through one httpcore connection pool per target policy, so a receiver's connection is kept
alive and reused across sends. Each *new* connection goes through ``CheckedBackend``
(netbackend.py), which connects only to an address it resolved and checked against the
target policy itself; a reused connection is one that went to a checked address.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpcore
import httpx

from notifier.channels.netbackend import AsyncioBackend, CheckedBackend

T = TypeVar("T")
logger = logging.getLogger(__name__)

MAX_CONNECTIONS = 128  # open at once (in use + idle); idle ones closed first to make room
KEEPALIVE_EXPIRY = 30.0  # seconds an idle connection is kept for the next send


class SenderLoop:
    """One event loop in a daemon thread, with its connection pools (used only on it)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.pid = os.getpid()
        self._pools: dict[bool, httpcore.AsyncConnectionPool] = {}
        self._thread = threading.Thread(target=self.loop.run_forever, name="bea-send-loop",
                                        daemon=True)
        self._thread.start()

    def pool(self, allow_private: bool) -> httpcore.AsyncConnectionPool:
        """The pool for a target policy (call on the loop: pools are bound to it)."""
        pool = self._pools.get(allow_private)
        if pool is None:
            pool = httpcore.AsyncConnectionPool(
                ssl_context=httpx.create_ssl_context(), retries=0,
                max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS,
                keepalive_expiry=KEEPALIVE_EXPIRY,
                network_backend=CheckedBackend(AsyncioBackend(), allow_private))
            self._pools[allow_private] = pool
        return pool

    def run(self, coro: Coroutine[Any, Any, T], bound: float) -> T:
        """Run ``coro`` on the loop from another thread; give up after ``bound`` seconds
        (a backstop: the coroutine bounds itself)."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(bound)
        except TimeoutError:
            future.cancel()
            raise

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()


_lock = threading.Lock()
_current: SenderLoop | None = None


def sender_loop() -> SenderLoop:
    """The process's sender loop, started on first use (again in a forked child)."""
    global _current
    with _lock:
        if _current is None or _current.pid != os.getpid():
            _current = SenderLoop()
        return _current


def close_connections(bound: float = 10.0) -> None:
    """Close every pooled connection; also at exit, so idle keep-alive connections end
    with a clean close instead of being dropped by the interpreter."""
    with _lock:
        current = _current
    if current is not None and current.pid == os.getpid() and current.loop.is_running():
        try:
            current.run(current.aclose(), bound)
        except Exception:  # noqa: BLE001 - best effort at exit: the OS closes them anyway
            logger.debug("closing the senders' connections failed", exc_info=True)


atexit.register(close_connections, 2.0)
