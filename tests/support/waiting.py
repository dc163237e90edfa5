"""Waiting on a condition, never on the clock: a busy machine only makes a wait longer.

A timeout is an upper bound, never a speed expectation; on a machine running more than it
has cores (another suite, a build) it stretches by how oversubscribed the machine is
(``load_factor``, capped at ``MAX_STRETCH``), so load delays a failure but never makes one.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Protocol, TypeVar

T = TypeVar("T")
MAX_STRETCH = 4.0


def load_factor() -> float:
    """The 1-minute load average per core, between 1 (an idle machine) and MAX_STRETCH."""
    try:
        load = os.getloadavg()[0]
    except OSError:  # not available on this platform
        return 1.0
    return min(MAX_STRETCH, max(1.0, load / (os.cpu_count() or 1)))


class HasTail(Protocol):
    def tail(self, lines: int = 40) -> str: ...


class WaitTimeout(AssertionError):
    """The condition did not hold in time (an AssertionError, so pytest reports a failed
    check naming what was awaited)."""


def wait_until(check: Callable[[], T], timeout: float = 30.0, what: str = "the condition",
               log: HasTail | None = None, *, every: float = 0.05) -> T:
    """Call ``check`` until it returns something truthy and return that; after ``timeout``
    seconds (times ``load_factor()``) fail naming ``what`` and showing ``log.tail()``."""
    bound = timeout * load_factor()
    deadline = time.monotonic() + bound
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            more = f"\n--- log (tail) ---\n{log.tail()}" if log is not None else ""
            raise WaitTimeout(f"timed out after {bound:.0f} s ({timeout} s stretched by the "
                              f"machine's load) waiting for {what}{more}")
        time.sleep(every)
