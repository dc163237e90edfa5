"""0006 -> 0007 with data in it: existing subscriptions (active and removed) are not paused."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from db.migrate import HEAD_REVISION, alembic_config, current_revision, upgrade
from db.session import Database


def test_upgrade_from_0006_keeps_subscriptions_unpaused(empty_database_url):
    db = Database(empty_database_url)
    try:
        cfg = alembic_config(empty_database_url)
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0006")
        with db.engine.begin() as conn:
            for target, active in (("a@example.org", "true"), ("b@example.org", "false")):
                conn.execute(text(
                    "INSERT INTO subscriptions (kind, target, name, filter, digest, secret,"
                    f" active, created_at, format) VALUES ('email', '{target}', NULL, '{{}}',"
                    f" NULL, NULL, {active}, '2026-11-01 00:00:00', 'short')"))
        assert upgrade(db.engine) is True
        assert current_revision(db.engine) == HEAD_REVISION
        with db.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT target, active, paused, format FROM subscriptions ORDER BY id")).all()
        assert [(t, bool(a), bool(p), f) for t, a, p, f in rows] == [
            ("a@example.org", True, False, "short"), ("b@example.org", False, False, "short")]
    finally:
        db.dispose()
