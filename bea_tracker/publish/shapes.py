"""One function per JSON shape, shared by the CLI's ``--json`` and the daemon's /api.

Each returns plain JSON-ready data from db/queries; the caller decides how to say "not
found" (the CLI exits with a line, the API answers 404).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from db.session import Session


class SessionSource(Protocol):
    """A database (or a stand-in that builds it on first use) that opens sessions."""

    def session(self) -> AbstractContextManager[Session]: ...


def is_known_indicator(key: str, stored: set[str] | list[str]) -> bool:
    """In the catalogue (with its aliases) or stored."""
    from db import indicators

    return indicators.resolve(key) is not None or key in set(stored)


def latest_shape(db: SessionSource, url: str,
                 indicator: str | None) -> tuple[list[dict], list[str]]:
    """Latest figure per indicator and unit, and the stored indicator keys.

    A SQLite file at head is read without SQLAlchemy (most of ``latest``'s start-up)."""
    from db import fastread

    fast = fastread.latest(url, indicator)
    if fast is not None:
        rows, stored = fast
        return list(rows), list(stored)
    from db.queries import known_indicators, latest_by_indicator

    with db.session() as session:
        stored = known_indicators(session)
        if indicator is not None and not is_known_indicator(indicator, stored):
            return [], stored
        return [r.to_json() for r in latest_by_indicator(session, indicator)], stored


def history_shape(session: Session, key: str, since: datetime | None = None,
                  vintages: bool = False) -> list[dict[str, Any]]:
    from db.queries import history

    return [r.to_json() for r in history(session, key, since, vintages)]


def releases_shape(session: Session, limit: int | None = None) -> list[dict[str, Any]]:
    from db.queries import list_releases

    return [r.to_json() for r in list_releases(session, limit)]


def release_shape(session: Session, ref: str) -> dict[str, Any] | None:
    """One release by id, URL, slug or title; None when nothing matches."""
    from db.queries import find_release, release_detail

    found = find_release(session, ref)
    return None if found is None else release_detail(session, found)
