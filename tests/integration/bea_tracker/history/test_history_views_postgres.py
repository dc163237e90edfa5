"""The browse views are portable: the same rows on SQLite and on a real PostgreSQL server.

PostgreSQL runs from its own binaries in a temporary cluster (skipped when they are not
installed). The project has no PostgreSQL driver, so the schema is the models' DDL compiled
for PostgreSQL (the migrations build exactly that schema: ``test_models_match_migrations``)
plus the very statements migration 0002 executes, sent through ``psql``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.views import VIEWS_V1, create_statements

PG_TOOLS = ("initdb", "pg_ctl", "psql")

SEED = """
INSERT INTO releases (id, url, title, extraction, history, created_at, updated_at,
                      released_at)
VALUES (1, 'https://www.bea.gov/news/2026/gdp-advance-estimate-2nd-quarter-2026',
        'GDP (Advance Estimate), 2nd Quarter 2026', 'ok', true,
        '2026-07-30 12:31:00', '2026-07-30 12:31:00', '2026-07-30 12:30:00'),
       (2, 'https://www.bea.gov/news/2026/gdp-second-estimate-2nd-quarter-2026',
        'GDP (Second Estimate), 2nd Quarter 2026', 'ok', false,
        '2026-08-26 12:31:00', '2026-08-26 12:31:00', '2026-08-26 12:30:00');
INSERT INTO snapshots (id, release_id, kind, sha256, url, fetched_at, size, raw_zlib,
                       extraction, problems)
VALUES (1, 1, 'page', 'a1', 'u1', '2026-07-30 12:31:00', 1, {blob}, 'ok', '[]'),
       (2, 1, 'page', 'a2', 'u1', '2026-07-30 14:00:00', 1, {blob}, 'ok', '[]'),
       (3, 2, 'page', 'b1', 'u2', '2026-08-26 12:31:00', 1, {blob}, 'ok', '[]');
UPDATE releases SET current_snapshot_id = 2 WHERE id = 1;
UPDATE releases SET current_snapshot_id = 3 WHERE id = 2;
INSERT INTO figures (id, release_id, snapshot_id, indicator, label, period, estimate,
                     value, unit, prior_value, prior_period, stated_at)
VALUES (1, 1, 1, 'real_gdp', 'Real GDP', '2026Q2', 'advance', 1.5, 'percent_saar',
        2.1, '2026Q1', '2026-07-30 12:30:00'),
       (2, 1, 2, 'real_gdp', 'Real GDP', '2026Q2', 'advance', 1.7, 'percent_saar',
        2.1, '2026Q1', '2026-07-30 12:30:00'),
       (3, 1, 2, 'pce_price_index', 'PCE price index', '2026Q2', 'advance', 5.1,
        'percent_saar', 4.6, '2026Q1', '2026-07-30 12:30:00'),
       (4, 2, 3, 'real_gdp', 'Real GDP', '2026Q2', 'second', 1.3, 'percent_saar',
        2.1, '2026Q1', '2026-08-26 12:30:00'),
       (5, 2, 3, 'pce_price_index', 'PCE price index', '2026-07', NULL, 3.7,
        'percent_yoy', NULL, NULL, '2026-08-26 12:30:00');
"""

QUERIES = {
    "latest": "SELECT indicator, unit, value, release_id FROM latest_figures "
              "ORDER BY indicator, unit",
    "history": "SELECT figure_id, indicator, value, is_current, source, release_title "
               "FROM figure_history ORDER BY figure_id",
    "releases": "SELECT release_id, title, page_vintages, figures FROM release_list "
                "ORDER BY release_id",
}

EXPECTED_LATEST = [
    ["pce_price_index", "percent_saar", "5.1", "1"],
    ["pce_price_index", "percent_yoy", "3.7", "2"],
    ["real_gdp", "percent_saar", "1.3", "2"],
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def postgres() -> Iterator[list[str]]:
    """A throwaway PostgreSQL cluster; yields the psql command line that reaches it."""
    if not all(shutil.which(tool) for tool in PG_TOOLS):
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl, psql) are not installed")
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="bea-pg-"))
    if os.geteuid() == 0:  # initdb refuses to run as root
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser")
        os.chown(root, pwd.getpwnam("nobody").pw_uid, -1)
        as_user = ["runuser", "-u", "nobody", "--"]
    port = str(_free_port())
    data = root / "data"
    try:
        subprocess.run([*as_user, "initdb", "-D", str(data), "-A", "trust", "-U", "bea",
                        "--no-sync"], check=True, capture_output=True, timeout=120)
        subprocess.run([*as_user, "pg_ctl", "-D", str(data), "-w", "-l", str(root / "log"),
                        "-o", f"-p {port} -k {root} -c listen_addresses=''", "start"],
                       check=True, capture_output=True, timeout=120)
        yield ["psql", "-h", str(root), "-p", port, "-U", "bea", "-d", "postgres",
               "-v", "ON_ERROR_STOP=1", "-q", "-At", "-F", "|"]
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*as_user, "pg_ctl", "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def _postgres_schema() -> str:
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable

    from db.models import Base

    dialect = postgresql.dialect()
    statements = []
    for table in Base.metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)))
        statements += [str(CreateIndex(ix).compile(dialect=dialect)) for ix in table.indexes]
    return ";\n".join(statements + create_statements(VIEWS_V1)) + ";\n"


def _psql(psql: list[str], sql: str) -> list[list[str]]:
    done = subprocess.run(psql, input=sql, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [line.split("|") for line in done.stdout.splitlines() if line]


def _sqlite(path: str, sql: str) -> list[list[str]]:
    with sqlite3.connect(path) as conn:
        return [["" if v is None else str(v) for v in row] for row in conn.execute(sql)]


def test_views_give_the_same_rows_on_sqlite_and_postgresql(postgres, database):
    _psql(postgres, _postgres_schema() + SEED.format(blob="'\\x00'::bytea"))
    path = database.engine.url.database
    with sqlite3.connect(path) as conn:  # migrated by the fixture: 0001 + 0002
        conn.executescript(SEED.format(blob="X'00'"))

    for name, query in QUERIES.items():
        on_postgres = _psql(postgres, query + ";")
        assert on_postgres == _sqlite(path, query), name

    assert _sqlite(path, QUERIES["latest"]) == EXPECTED_LATEST
    currents = {row[0]: row[3] for row in _sqlite(path, QUERIES["history"])}
    assert currents == {"1": "0", "2": "1", "3": "1", "4": "1", "5": "1"}
    assert _sqlite(path, QUERIES["releases"])[0][2:] == ["2", "2"]  # two vintages
