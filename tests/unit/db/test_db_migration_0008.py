"""0007 -> 0008 with data in it: stored page vintages keep their figures and say "no
checks" (NULL), never "agree"; a new vintage stores its checks; on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select, text

from db.events import release_record
from db.migrate import HEAD_REVISION, current_revision
from db.models import Release, Snapshot
from db.records import CheckRecord
from db.session import Database, make_engine
from tests.unit.db.test_db_migration_0005 import NOW, _at


def test_upgrade_from_0007_leaves_old_vintages_unchecked(empty_database_url):
    url = empty_database_url
    engine = make_engine(url)
    _at(engine, url, "0007")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO releases (id, url, title, extraction, history, created_at, updated_at)"
            " VALUES (1, 'https://www.bea.gov/news/2026/gdp', 'GDP', 'ok', false, :t, :t)"),
            {"t": NOW})
        conn.execute(text(
            "INSERT INTO snapshots (id, release_id, kind, sha256, url, fetched_at, size,"
            " raw_zlib, extraction, problems) VALUES (1, 1, 'page', 'x', 'u', :t, 1, :b, 'ok',"
            " '[]')"), {"t": NOW, "b": b"x"})
        conn.execute(text(
            "INSERT INTO figures (release_id, snapshot_id, indicator, label, period, value,"
            " unit, stated_at, restated) VALUES (1, 1, 'real_gdp', 'Real GDP', '2026Q2', 1.5,"
            " 'percent_saar', :t, false)"), {"t": NOW})
        conn.execute(text("UPDATE releases SET current_snapshot_id = 1"))
    _at(engine, url, "head")
    engine.dispose()
    db = Database(url)
    try:
        assert current_revision(db.engine) == HEAD_REVISION == "0008"
        with db.unit_of_work() as session:
            release = session.scalars(select(Release)).one()
            record = release_record(session, release)
            assert record.checks == () and [f.value for f in record.figures] == [1.5]
            assert "checks" not in record.to_json()
            snap = session.get(Snapshot, 1)
            snap.checks = {"feed": CheckRecord("feed", "agree", "real_gdp 2026Q2").to_json()}
        with db.session() as session:
            record = release_record(session, session.scalars(select(Release)).one())
        assert record.checks == (CheckRecord("feed", "agree", "real_gdp 2026Q2"),)
        assert record.to_json()["checks"] == {"feed": "agree"}
    finally:
        db.dispose()
