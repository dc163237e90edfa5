"""Fast commands without timing anything: ``latest`` on a SQLite file at head imports no
SQLAlchemy (and gives exactly what the ORM query gives); ``--help`` imports neither
SQLAlchemy nor pydantic. Speed itself is measured in bench/bench_query.py."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from db import fastread
from db.queries import latest_by_indicator
from db.records import FigureRecord, ReleaseRecord
from db.store import Fetched, store_snapshot
from tests.support.paths import ROOT

PROBE = """
import sys
sys.argv = ["bea-tracker", *{args!r}]
from bea_tracker.cli import main
try:
    main(prog_name="bea-tracker")
except SystemExit as exc:
    code = exc.code
print(sorted(m for m in ("sqlalchemy", "pydantic", "alembic", "rich", "scrapy", "twisted")
             if m in sys.modules), file=sys.stderr)
"""


def loaded(*args: str) -> tuple[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(args=list(args))],
                          capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return done.stdout, eval(done.stderr.strip().splitlines()[-1])  # noqa: S307 - our list


@pytest.fixture
def seeded(database):
    base = datetime(2026, 7, 30, 12, 30, tzinfo=timezone.utc)
    for n, (value, unit) in enumerate([(1.5, "percent_saar"), (2.5, "percent_saar"),
                                       (0.2, "percent"), (3.7, "percent_yoy")]):
        url = f"https://www.bea.gov/news/2026/release-{n}"
        indicator = "real_gdp" if unit == "percent_saar" else "pce_price_index"
        record = ReleaseRecord(url=url, title=f"Release {n}", released_at=base + timedelta(n),
                               figures=(FigureRecord(indicator, "x", "2026Q2", "advance",
                                                     value, unit, 1.0, "2026Q1"),))
        with database.unit_of_work() as session:
            store_snapshot(session, Fetched(url, f"<html>{n}</html>".encode(), base), record)
    return database


def test_fast_latest_equals_the_orm_query(seeded, db_url):
    for indicator in (None, "real_gdp", "pce_price_index", "nothing_stored"):
        with seeded.session() as session:
            orm = [r.to_json() for r in latest_by_indicator(session, indicator)]
        fast, stored = fastread.latest(db_url, indicator)
        assert fast == orm
    assert stored == ["pce_price_index", "real_gdp"]


def test_fast_path_declines_what_it_cannot_answer(tmp_path, seeded, db_url):
    assert fastread.latest(f"sqlite:///{tmp_path / 'missing.db'}") is None
    assert fastread.latest("postgresql://u@127.0.0.1/x") is None
    with seeded.engine.begin() as conn:  # a file behind head must be migrated first
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    assert fastread.latest(db_url) is None


def test_latest_imports_no_sqlalchemy(seeded, write_config):
    out, modules = loaded("--config", str(write_config()), "latest", "--json")
    assert [r["value"] for r in json.loads(out)] == [0.2, 3.7, 2.5]
    assert "sqlalchemy" not in modules and "alembic" not in modules
    assert "scrapy" not in modules and "twisted" not in modules


def test_help_imports_neither_sqlalchemy_nor_pydantic():
    out, modules = loaded("--help")
    assert "latest" in out and modules == []
