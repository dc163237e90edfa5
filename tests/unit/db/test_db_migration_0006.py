"""0005 -> 0006 with data in it: the daemons table appears, nothing else changes, and the
daemons it records read back; on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import text

from db import daemons
from db.migrate import HEAD_REVISION, alembic_config, current_revision, upgrade
from db.session import Database
from db.types import utcnow

SEED = [
    "INSERT INTO subscriptions (kind, target, name, filter, digest, secret, active,"
    " created_at, format) VALUES ('email', 'a@example.org', 'desk', '{}', NULL, NULL, true,"
    " '2026-11-01 00:00:00', 'full')",
    "INSERT INTO daemon_state (key, value, updated_at) VALUES ('daemon',"
    " '{\"state\": \"stopped\", \"pid\": 1}', '2026-11-01 00:00:00')",
]


def test_upgrade_from_0005_adds_daemons_and_keeps_the_rest(empty_database_url):
    db = Database(empty_database_url)
    try:
        cfg = alembic_config(empty_database_url)
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0005")
        with db.engine.begin() as conn:
            for sql in SEED:
                conn.execute(text(sql))

        assert upgrade(db.engine) is True

        assert current_revision(db.engine) == HEAD_REVISION  # 0006 and every later one
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT target, format FROM subscriptions")).all() == [
                ("a@example.org", "full")]
            assert conn.execute(text("SELECT key FROM daemon_state")).all() == [("daemon",)]
            assert conn.execute(text("SELECT count(*) FROM daemons")).scalar() == 0
        with db.unit_of_work() as session:
            daemons.register(session, "a" * 32)
            daemons.register(session, "b" * 32)
            daemons.beat(session, "a" * 32, daemons.LEADER, {"bursts": []})
            daemons.mark_stopped(session, "b" * 32)
        with db.session() as session:
            listed = daemons.list_daemons(session)
        assert [(d.id[0], d.role, d.state) for d in listed] == [
            ("a", "leader", "running"), ("b", "deliverer", "stopped")]
        assert listed[0].alive(utcnow(), timedelta(seconds=30))
        assert not listed[1].alive(utcnow(), timedelta(seconds=30))
    finally:
        db.dispose()
