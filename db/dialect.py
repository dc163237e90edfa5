"""The one place that knows SQL dialects differ: SQLite (one daemon) and PostgreSQL (several
daemons: advisory locks, NOTIFY)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.errors import UnsupportedDatabase


def insert_ignoring_duplicates(
    session: Session, table: Any, rows: list[dict[str, Any]]
) -> int:
    """Insert rows into ``table`` (a ``Model.__table__``), silently skipping any that
    violate a unique constraint.

    Returns how many rows were inserted. Idempotent writes lean on this, so a redone poll or
    a restarted matcher never creates a second row. The count comes from RETURNING, not
    ``rowcount``: psycopg reports -1 for an executemany, which read as "nothing inserted".
    """
    if not rows:
        return 0
    name = session.get_bind().dialect.name
    stmt: Any  # the dialect's own Insert
    if name == "sqlite":
        stmt = sqlite.insert(table).on_conflict_do_nothing()
    elif name == "postgresql":
        stmt = postgresql.insert(table).on_conflict_do_nothing()
    else:  # pragma: no cover - only the two supported dialects
        raise UnsupportedDatabase(f"no insert-ignore for dialect {name}")
    key = list(table.primary_key.columns)
    if len(rows) == 1:  # a single execute: no executemany, and one round trip
        return len(session.execute(stmt.values(rows[0]).returning(*key)).all())
    return len(session.execute(stmt.returning(*key), rows).all())


def rowcount(result: Result[Any]) -> int:
    """Rows an INSERT/UPDATE touched (what ``Session.execute`` returns for them is a
    ``CursorResult``; its type says only ``Result``)."""
    return cast(CursorResult[Any], result).rowcount or 0


def integrity_check(session: Session) -> str:
    """SQLite's own consistency check; other backends report 'ok'."""
    if session.get_bind().dialect.name != "sqlite":
        return "ok"
    return str(session.connection().exec_driver_sql("PRAGMA integrity_check").scalar())


# Keys of PostgreSQL advisory locks (one 64-bit space per database); SQLite needs none:
# it has one writer at a time.
LOCK_KEYS = {
    "leader": 0x6265_6101,   # session lock: the one daemon that polls BEA
    "events": 0x6265_6102,   # transaction lock: event ids commit in id order
    "matcher": 0x6265_6103,  # transaction lock: one matcher moves the cursor at a time
}
OUTBOX_CHANNEL = "bea_outbox"


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def serialize(session: Session, name: str) -> None:
    """Hold a transaction-scoped lock named ``name`` until this transaction ends.

    Why: on PostgreSQL two transactions can take ids 10 and 11 and commit 11 first; a
    reader of "events after my cursor" would then move past 10 for good. Holding this lock
    from the insert to the commit makes event ids commit in order.
    """
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEYS[name]})


def notify_outbox(session: Session) -> None:
    """Wake idle deliverers when this transaction commits (PostgreSQL's NOTIFY; SQLite's
    single daemon wakes itself)."""
    if is_postgres(session):
        session.execute(text("SELECT pg_notify(:c, '')"), {"c": OUTBOX_CHANNEL})
