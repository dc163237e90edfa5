"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC and returns them aware (UTC).

    SQLite has no time-zone type, so without this a value read back would be naive and
    compare wrongly with ``datetime.now(timezone.utc)``.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


# names a file holding seconds (e.g. -3600) added to the wall clock, read on every call:
# how a test steps the wall clock of a running daemon (never set in production)
TEST_CLOCK_ENV = "BEA_TRACKER_TEST_CLOCK_FILE"


def wall_clock() -> datetime:
    """The wall clock, aware, in UTC: the one the daemon plans by (see TEST_CLOCK_ENV)."""
    now = datetime.now(timezone.utc)
    path = os.environ.get(TEST_CLOCK_ENV)
    if path:
        try:
            with open(path, encoding="ascii") as f:
                now += timedelta(seconds=float(f.read().strip() or 0))
        except (OSError, ValueError):
            pass  # no offset written (yet)
    return now


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return wall_clock()


def fit(value: str | None, column: Any) -> str | None:
    """``value`` cut to the size of its String column (a model attribute such as
    ``Release.title``).

    PostgreSQL refuses a longer value (StringDataRightTruncation) where SQLite stores it
    whole, so one overlong feed title failed every poll on PostgreSQL. Text beyond the size
    is display text (titles, notes, headers); the raw page or item is kept in full in its
    snapshot, so nothing is lost. Keys that must stay distinct (URLs) are not cut here.
    """
    if value is None:
        return None
    length = getattr(column.type, "length", None)
    if length is None or len(value) <= length:
        return value
    return value[: length - 1] + "\u2026"
