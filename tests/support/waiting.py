"""Waiting on a condition, never on the clock: a busy machine only makes a wait longer."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, TypeVar

T = TypeVar("T")


class HasTail(Protocol):
    def tail(self, lines: int = 40) -> str: ...


class WaitTimeout(AssertionError):
    """The condition did not hold in time (an AssertionError, so pytest reports a failed
    check naming what was awaited)."""


def wait_until(check: Callable[[], T], timeout: float = 30.0, what: str = "the condition",
               log: HasTail | None = None, *, every: float = 0.05) -> T:
    """Call ``check`` until it returns something truthy and return that; after ``timeout``
    seconds fail naming ``what`` and showing ``log.tail()`` (e.g. a daemon's log)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            more = f"\n--- log (tail) ---\n{log.tail()}" if log is not None else ""
            raise WaitTimeout(f"timed out after {timeout} s waiting for {what}{more}")
        time.sleep(every)
