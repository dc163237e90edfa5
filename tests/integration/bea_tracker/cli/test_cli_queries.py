"""Query commands read back, through the CLI, what db/ stored."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

from db.migrate import upgrade
from db.records import FigureRecord, ReleaseRecord
from db.session import Database
from db.store import Fetched, store_snapshot

URL = "https://www.bea.gov/news/2026/us-international-trade-goods-and-services-july-2026"


def seed(db_url: str) -> None:
    db = Database(db_url)
    upgrade(db.engine)
    released = datetime(2026, 9, 3, 8, 30, tzinfo=timezone(timedelta(hours=-4)))
    record = ReleaseRecord(
        url=URL, title="U.S. International Trade in Goods and Services, July 2026",
        released_at=released, release_number="BEA 26-40",
        figures=(FigureRecord("trade_balance", "Trade balance", "2026-07", None, -88.6,
                              "usd_billions", -71.2, "2026-06"),),
    )
    with db.unit_of_work() as s:
        store_snapshot(s, Fetched(URL, b"<html>trade</html>", released), record)
    db.dispose()


def test_empty_database_gives_empty_results(cli):
    for command in (["latest", "--json"], ["history", "real_gdp", "--json"],
                    ["revisions", "--json"], ["export", "--format", "json"]):
        result = cli(*command)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == []
    table = cli("latest")
    assert table.exit_code == 0 and "Indicator" in table.stdout


def test_latest_history_show_export(cli, db_url):
    seed(db_url)
    latest = json.loads(cli("latest", "--json").stdout)
    assert [(f["indicator"], f["period"], f["value"], f["unit"]) for f in latest] == [
        ("trade_balance", "2026-07", -88.6, "usd_billions")]
    assert latest[0]["prior_value"] == -71.2
    assert "-$88.6 billion" in cli("latest").stdout

    rows = list(csv.DictReader(io.StringIO(cli("history", "trade_balance", "--csv").stdout)))
    by_period = {row["period"]: row for row in rows}
    assert by_period["2026-07"]["value"] == "-88.6" and by_period["2026-07"]["release_url"] == URL
    # the release restates June's deficit: stored as a revised vintage of 2026-06
    assert by_period["2026-06"]["value"] == "-71.2"
    assert by_period["2026-06"]["estimate"] == "revised"

    shown = json.loads(cli("show", "us-international-trade-goods-and-services-july-2026",
                           "--json").stdout)
    assert shown["kind"] == "release" and shown["release_number"] == "BEA 26-40"
    assert shown["released_at"] == "2026-09-03T12:30:00+00:00"
    assert len(shown["vintages"]) == 1

    exported = json.loads(cli("export", "--format", "json").stdout)
    assert {(f["period"], f["value"]) for f in exported} == {("2026-07", -88.6), ("2026-06", -71.2)}
    assert all(f["current"] is True for f in exported)


def test_show_unknown_release_fails_cleanly(cli):
    result = cli("show", "no-such-release")
    assert result.exit_code == 1
    assert "no release matches" in result.stderr


def test_init_creates_database(cli, db_url, tmp_path):
    result = cli("init")
    assert result.exit_code == 0
    from db.migrate import HEAD_REVISION

    assert f"schema {HEAD_REVISION}" in result.stdout
    assert (tmp_path / "bea.db").exists()
