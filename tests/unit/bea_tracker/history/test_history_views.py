"""The browse views (migration 0002) agree with the query layer on real stored pages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from db.migrate import HEAD_REVISION, alembic_config, current_revision
from db.queries import export_figures, latest_by_indicator
from db.store import Fetched, store_snapshot
from db.views import VIEW_NAMES, VIEWS_V1, create_statements, drop_statements
from scraper.extract import extract_release
from tests.support.paths import BEA_CAPTURES

FIXTURES = BEA_CAPTURES
PAGES = {
    "https://www.bea.gov/news/2026/gdp-advance-estimate-2nd-quarter-2026":
        "release-gdp-2026q2-advance.html",
    "https://www.bea.gov/news/2026/personal-income-and-outlays-july-2026":
        "release-pio-2026-07-ws-normalized.html",
    "https://www.bea.gov/news/2026/us-international-transactions-and-investment-position-"
    "1st-quarter-2026-and-annual-update": "release-ita-2026q1-annual-update.html",
}
FETCHED = datetime(2026, 9, 1, 12, 0, tzinfo=timezone.utc)


def _store(database, url: str, body: bytes, fetched_at: datetime) -> None:
    with database.unit_of_work() as session:
        store_snapshot(session, Fetched(url, body, fetched_at), extract_release(body, url),
                       release_url=url, history=True, baseline=True)


@pytest.fixture
def stored(database):
    """The three real pages, plus a corrected vintage of the GDP page (synthetic edit)."""
    for url, name in PAGES.items():
        _store(database, url, (FIXTURES / name).read_bytes(), FETCHED)
    gdp_url = next(iter(PAGES))
    corrected = (FIXTURES / PAGES[gdp_url]).read_bytes().replace(
        b"annual rate of 1.5 percent", b"annual rate of 1.7 percent")
    _store(database, gdp_url, corrected, FETCHED + timedelta(hours=1))
    return database


def _rows(database, sql: str) -> list[tuple]:
    with database.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def test_migration_creates_the_three_views(database):
    with database.engine.connect() as conn:
        views = {name for (name,) in conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'view'"))}
    assert views == set(VIEW_NAMES) == {"latest_figures", "figure_history", "release_list"}
    assert current_revision(database.engine) == HEAD_REVISION  # 0002 and every later one


def test_latest_figures_is_the_latest_query(stored):
    with stored.session() as session:
        expected = sorted((r.figure.indicator, r.figure.unit, r.figure.period, r.figure.value)
                          for r in latest_by_indicator(session))

    got = sorted(_rows(stored, "SELECT indicator, unit, period, value FROM latest_figures"))

    assert got == expected
    assert ("real_gdp", "percent_saar", "2026Q2", 1.7) in got  # the corrected vintage


def test_figure_history_holds_every_vintage(stored):
    with stored.session() as session:
        every = export_figures(session)

    rows = _rows(stored, "SELECT value, is_current, source FROM figure_history "
                         "WHERE indicator = 'real_gdp' AND period = '2026Q2' "
                         "ORDER BY fetched_at")

    assert len(_rows(stored, "SELECT * FROM figure_history")) == len(every)
    assert rows == [(1.5, 0, "page"), (1.7, 1, "page")]


def test_release_list_counts_vintages_and_figures(stored):
    rows = _rows(stored, "SELECT url, page_vintages, figures, backfilled, released_at "
                         "FROM release_list ORDER BY released_at")

    assert [(url.rsplit("/", 1)[1][:30], vintages) for url, vintages, *_ in rows] == [
        ("us-international-transactions-", 1), ("gdp-advance-estimate-2nd-quart", 2),
        ("personal-income-and-outlays-ju", 1)]
    assert all(figures > 0 and backfilled == 1 for _, _, figures, backfilled, _ in rows)


def test_downgrade_drops_the_views_and_upgrade_brings_them_back(database):
    from alembic import command

    cfg = alembic_config(database.url)
    with database.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    assert _rows(database, "SELECT name FROM sqlite_master WHERE type = 'view'") == []
    with database.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert len(_rows(database, "SELECT name FROM sqlite_master WHERE type = 'view'")) == 3


def test_statements_are_plain_portable_sql():
    creates, drops = create_statements(VIEWS_V1), drop_statements(VIEWS_V1)

    assert [s.split(" AS ")[0] for s in creates] == [
        "CREATE VIEW release_list", "CREATE VIEW figure_history", "CREATE VIEW latest_figures"]
    assert drops == ["DROP VIEW IF EXISTS latest_figures", "DROP VIEW IF EXISTS figure_history",
                     "DROP VIEW IF EXISTS release_list"]
    for sql in creates:  # nothing SQLite-only (PostgreSQL runs them too: integration test)
        for word in ("IFNULL", "strftime", "datetime(", "julianday", "GROUP_CONCAT", "||"):
            assert word.lower() not in sql.lower()
