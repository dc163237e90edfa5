"""ClockWatch: a wall-clock jump is how far the wall clock moved beyond the monotonic one."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bea_tracker.daemon.clock import ClockWatch, _ShiftedDatetime
from db.types import TEST_CLOCK_ENV, wall_clock

T0 = datetime(2026, 7, 30, 12, 30, tzinfo=timezone.utc)


class Clocks:
    def __init__(self) -> None:
        self.wall, self.mono = T0, 1000.0

    def tick(self, seconds: float, wall_step: float = 0.0) -> None:
        self.mono += seconds
        self.wall += timedelta(seconds=seconds + wall_step)


def watch(clocks: Clocks) -> ClockWatch:
    return ClockWatch(lambda: clocks.wall, lambda: clocks.mono, tolerance=10)


def test_clocks_moving_together_are_no_jump_however_late_the_look() -> None:
    clocks = Clocks()
    w = watch(clocks)
    clocks.tick(5)
    assert w.jump() is None
    clocks.tick(120)  # a loop stalled for two minutes moves both clocks alike
    assert w.jump() is None


def test_a_step_back_or_forward_is_a_jump_reported_once() -> None:
    clocks = Clocks()
    w = watch(clocks)
    clocks.tick(5, wall_step=-3600)
    assert w.jump() == -3600
    clocks.tick(5)
    assert w.jump() is None  # measured from the last look: the step is not seen again
    clocks.tick(5, wall_step=+90)
    assert w.jump() == 90
    clocks.tick(5, wall_step=3)  # under the tolerance: NTP-sized drift
    assert w.jump() is None


def test_the_test_clock_file_shifts_the_wall_clock_only_when_named(tmp_path,
                                                                  monkeypatch) -> None:
    offset = tmp_path / "offset"
    monkeypatch.delenv(TEST_CLOCK_ENV, raising=False)
    assert abs((wall_clock() - datetime.now(timezone.utc)).total_seconds()) < 60
    monkeypatch.setenv(TEST_CLOCK_ENV, str(offset))
    assert abs((wall_clock() - datetime.now(timezone.utc)).total_seconds()) < 60  # no file
    offset.write_text("-3600")
    shift = (wall_clock() - datetime.now(timezone.utc)).total_seconds()
    assert -3660 < shift < -3540
    # what APScheduler reads in the daemon under test: the same shifted clock
    assert abs((_ShiftedDatetime.now(timezone.utc) - wall_clock()).total_seconds()) < 60
    assert isinstance(T0, _ShiftedDatetime)
