"""The one place that knows SQL dialects differ (SQLite now, PostgreSQL to scale out)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignoring_duplicates(session: Session, table: Table, rows: list[dict[str, Any]]) -> int:
    """Insert rows, silently skipping any that violate a unique constraint.

    Returns how many rows were inserted. Idempotent writes lean on this, so a redone poll or
    a restarted matcher never creates a second row. The count comes from RETURNING, not
    ``rowcount``: psycopg reports -1 for an executemany, which read as "nothing inserted".
    """
    if not rows:
        return 0
    name = session.get_bind().dialect.name
    if name == "sqlite":
        stmt = sqlite.insert(table).on_conflict_do_nothing()
    elif name == "postgresql":
        stmt = postgresql.insert(table).on_conflict_do_nothing()
    else:  # pragma: no cover - only the two supported dialects
        raise NotImplementedError(f"no insert-ignore for dialect {name}")
    key = list(table.primary_key.columns)
    if len(rows) == 1:  # a single execute: no executemany, and one round trip
        return len(session.execute(stmt.values(rows[0]).returning(*key)).all())
    return len(session.execute(stmt.returning(*key), rows).all())


def integrity_check(session: Session) -> str:
    """SQLite's own consistency check; other backends report 'ok'."""
    if session.get_bind().dialect.name != "sqlite":
        return "ok"
    return str(session.connection().exec_driver_sql("PRAGMA integrity_check").scalar())
