"""0003 -> 0004 with data in it: every existing subscription keeps the full message."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from db.migrate import HEAD_REVISION, alembic_config, current_revision, upgrade
from db.session import Database


def test_upgrade_from_0003_keeps_subscriptions_and_gives_them_the_full_format(empty_database_url):
    db_url = empty_database_url
    db = Database(db_url)
    try:
        cfg = alembic_config(db_url)
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0003")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO subscriptions (kind, target, name, filter, digest, secret, active,"
                " created_at) VALUES ('email', 'a@example.org', 'desk', '{}', NULL, NULL, true,"
                " '2026-11-01 00:00:00')"
            ))
        assert current_revision(db.engine) == "0003"
        assert upgrade(db.engine) is True
        assert current_revision(db.engine) == HEAD_REVISION  # 0004 and every later one
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT target, name, format FROM subscriptions")).all()
        assert [tuple(r) for r in rows] == [("a@example.org", "desk", "full")]
    finally:
        db.dispose()
