"""Migration 0005 on a database at 0004 holding figures: restated periods become rows;
on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from db.migrate import alembic_config
from db.session import make_engine

NOW = "2026-07-30 12:30:00.000000"


def _at(engine, url: str, revision: str, action=command.upgrade) -> None:
    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        action(cfg, revision)


def _seed(conn) -> None:
    conn.execute(text(
        "INSERT INTO releases (id, url, title, extraction, history, created_at, updated_at)"
        " VALUES (1, 'https://www.bea.gov/news/2026/gdp', 'GDP', 'ok', true, :t, :t)"),
        {"t": NOW})
    conn.execute(text(
        "INSERT INTO snapshots (id, release_id, kind, sha256, url, fetched_at, size, raw_zlib,"
        " extraction, problems) VALUES (1, 1, 'page', 'x', 'u', :t, 1, :b, 'ok', '[]')"),
        {"t": NOW, "b": b"x"})
    conn.execute(text("UPDATE releases SET current_snapshot_id = 1"))
    figures = [  # real GDP Q2 restating Q1; PCE prices also restating Q1 (a 2nd key);
        # core PCE restating 2026Q2 which the snapshot states itself (left alone)
        ("real_gdp", "2026Q2", 1.5, 2.1, "2026Q1"),
        ("pce_price_index", "2026Q2", 5.1, 4.6, "2026Q1"),
        ("core_pce_price_index", "2026Q2", 3.4, None, None),
        ("core_pce_price_index", "2026Q3", 3.0, 3.5, "2026Q2"),
    ]
    for indicator, period, value, prior, prior_period in figures:
        conn.execute(text(
            "INSERT INTO figures (release_id, snapshot_id, indicator, label, period, estimate,"
            " value, unit, prior_value, prior_period, stated_at) VALUES (1, 1, :i, :i, :p,"
            " 'advance', :v, 'percent_saar', :pv, :pp, :t)"),
            {"i": indicator, "p": period, "v": value, "pv": prior, "pp": prior_period,
             "t": NOW})


def test_upgrade_from_0004_derives_restated_figures_and_keeps_the_views(empty_database_url):
    url = empty_database_url
    engine = make_engine(url)
    _at(engine, url, "0004")
    with engine.begin() as conn:
        _seed(conn)

    _at(engine, url, "head")

    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT indicator, period, estimate, value, restated, prior_value FROM figures"
            " ORDER BY id")).all()
        listed = conn.execute(text("SELECT figures FROM release_list")).scalar()
        flagged = conn.execute(text(
            "SELECT COUNT(*) FROM figure_history WHERE restated = :yes"), {"yes": True}).scalar()
    assert rows[:4] == [("real_gdp", "2026Q2", "advance", 1.5, 0, 2.1),
                        ("pce_price_index", "2026Q2", "advance", 5.1, 0, 4.6),
                        ("core_pce_price_index", "2026Q2", "advance", 3.4, 0, None),
                        ("core_pce_price_index", "2026Q3", "advance", 3.0, 0, 3.5)]
    assert sorted(rows[4:]) == [("pce_price_index", "2026Q1", "revised", 4.6, 1, None),
                                ("real_gdp", "2026Q1", "revised", 2.1, 1, None)]
    assert listed == 4 and flagged == 2  # the release still states four figures itself

    _at(engine, url, "0004", command.downgrade)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM figures")).scalar() == 4
        assert conn.execute(text("SELECT figures FROM release_list")).scalar() == 4
    engine.dispose()
