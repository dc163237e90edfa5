"""The migrations build exactly the schema the models describe, with SQLite's pragmas on."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from db.migrate import upgrade
from db.models import Base
from tests.support.backends import sqlite_only


def test_models_match_migrations(database):
    with database.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_upgrade_is_idempotent(database):
    assert upgrade(database.engine) is False


@sqlite_only
def test_sqlite_pragmas(database):
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
