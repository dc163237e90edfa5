"""Wall-clock jumps: detected against the monotonic clock, so the schedule can be re-planned.

APScheduler keeps each job's next run as a wall-clock time. When the wall clock steps back
an hour (an NTP correction, a VM resumed, ``date -s``), every interval job's next run is an
hour away and the daemon stops polling and heartbeating for that hour; a step forward
makes runs look missed. :class:`ClockWatch` compares how far the wall clock and the
monotonic clock moved between two looks; a difference past ``tolerance`` is a jump, and
the daemon then re-plans its jobs from the new now.

The daemon reads the wall clock through :func:`db.types.wall_clock`, which a test can shift
at run time (``BEA_TRACKER_TEST_CLOCK_FILE``); :func:`scheduler_follows_test_clock` makes
APScheduler read the same clock, so a test steps the clock of the whole daemon.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from db.types import TEST_CLOCK_ENV, wall_clock

JUMP_TOLERANCE = 10.0  # seconds; loop lag moves both clocks alike, NTP slews far slower


class ClockWatch:
    """Remembers one look at both clocks; :meth:`jump` says how far the wall clock moved
    beyond the monotonic one since the last look (positive: forward)."""

    def __init__(self, wall: Callable[[], datetime] = wall_clock,
                 monotonic: Callable[[], float] = time.monotonic,
                 tolerance: float = JUMP_TOLERANCE) -> None:
        self.wall, self.monotonic, self.tolerance = wall, monotonic, tolerance
        self._last = (wall(), monotonic())

    def jump(self) -> float | None:
        """The jump in seconds since the last look, or None when the clocks agree."""
        wall, mono = self.wall(), self.monotonic()
        last_wall, last_mono = self._last
        self._last = (wall, mono)
        moved = (wall - last_wall).total_seconds() - (mono - last_mono)
        return moved if abs(moved) >= self.tolerance else None


class _ShiftedDatetimeMeta(type):
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, datetime)

    def __getattr__(cls, name: str) -> Any:
        return getattr(datetime, name)

    def __call__(cls, *args: Any, **kwargs: Any) -> datetime:
        return datetime(*args, **kwargs)


class _ShiftedDatetime(metaclass=_ShiftedDatetimeMeta):
    """``datetime`` for APScheduler's modules, whose ``now`` is :func:`wall_clock`."""

    @staticmethod
    def now(tz: tzinfo | None = None) -> datetime:
        return wall_clock().astimezone(tz) if tz else wall_clock().replace(tzinfo=None)


def scheduler_follows_test_clock() -> bool:
    """With BEA_TRACKER_TEST_CLOCK_FILE set (tests only), APScheduler reads the shifted
    wall clock too; otherwise nothing changes. True when it was switched."""
    if not os.environ.get(TEST_CLOCK_ENV):
        return False
    from apscheduler.executors import base as executors
    from apscheduler.schedulers import base as schedulers
    from apscheduler.triggers import date, interval

    for module in (executors, schedulers, date, interval):
        module.datetime = _ShiftedDatetime  # type: ignore[attr-defined]
    return True
