"""One grammar across commands: --json/--csv, --since, indicator keys, ids, human tables."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

from db.migrate import upgrade
from db.records import FigureRecord, ReleaseRecord
from db.session import Database
from db.store import Fetched, store_snapshot
from tests.support.paths import ROOT
from tests.support.waiting import wait_until

URL = "https://www.bea.gov/news/2026/personal-income-and-outlays-july-2026"
RELEASED = datetime(2026, 8, 29, 8, 30, tzinfo=timezone(timedelta(hours=-4)))


def pce(value: float, estimate: str | None = None) -> tuple[FigureRecord, ...]:
    return (FigureRecord("pce_price_index", "PCE price index", "2026-07", estimate, value,
                         "percent", 0.3, "2026-06"),
            FigureRecord("pce_price_index", "PCE price index", "2026-07", estimate, 3.7,
                         "percent_yoy", None, None))


@pytest.fixture
def seeded(db_url: str) -> Database:
    """One release: a feed item vintage (0.2), then its page (0.2), then a corrected page."""
    db = Database(db_url)
    upgrade(db.engine)
    record = ReleaseRecord(url=URL, title="Personal Income and Outlays, July 2026",
                           released_at=RELEASED, release_number="BEA 26-41", figures=pce(0.2))
    with db.unit_of_work() as s:
        store_snapshot(s, Fetched(URL, b"<item>pio</item>", RELEASED), record, kind="feed_item")
    with db.unit_of_work() as s:
        store_snapshot(s, Fetched(URL, b"<html>pio</html>", RELEASED + timedelta(minutes=1)),
                       record)
    corrected = ReleaseRecord(url=URL, title=record.title, released_at=RELEASED,
                              release_number="BEA 26-41", figures=pce(0.4))
    with db.unit_of_work() as s:
        store_snapshot(s, Fetched(URL, b"<html>pio v2</html>", RELEASED + timedelta(hours=3)),
                       corrected)
    yield db
    db.dispose()


LISTINGS = [["latest"], ["history", "real_gdp"], ["revisions"], ["releases"],
            ["subscribe", "list"], ["deliveries"], ["latency"], ["export"]]


@pytest.mark.parametrize("command", LISTINGS, ids=" ".join)
def test_json_and_csv_together_are_refused(cli, command):
    result = cli(*command, "--json", "--csv")
    assert result.exit_code == 2
    assert "--json and --csv cannot be used together" in result.stderr


@pytest.mark.parametrize("command", LISTINGS, ids=" ".join)
def test_every_listing_prints_json_and_csv(cli, command):
    as_json = cli(*command, "--json")
    as_csv = cli(*command, "--csv")
    assert as_json.exit_code == 0 and as_csv.exit_code == 0, as_json.stderr + as_csv.stderr
    json.loads(as_json.stdout)
    assert as_csv.stdout.splitlines()[0].count(",") >= 1


def test_export_keeps_format_as_a_hidden_alias(cli, seeded):
    assert json.loads(cli("export", "--format", "json").stdout) == \
        json.loads(cli("export", "--json").stdout)
    assert "--format" not in cli("export", "--help").stdout


@pytest.mark.parametrize("since", ["2026", "2026-08", "2026-08-01", "2026-08-01T00:00:00-04:00"])
def test_one_since_grammar_in_every_command(cli, seeded, since):
    for command in (["history", "pce_price_index"], ["latency"]):
        result = cli(*command, "--since", since, "--json")
        assert result.exit_code == 0, result.stderr
    everything = json.loads(cli("history", "pce_price_index", "--json").stdout)
    assert everything and json.loads(cli("history", "pce_price_index", "--since", since,
                                         "--json").stdout) == everything
    assert json.loads(cli("history", "pce_price_index", "--since", "2027", "--json").stdout) \
        == []


@pytest.mark.parametrize("command", [["history", "pce_price_index"], ["latency"],
                                     ["plot", "pce_price_index", "--out", "x.png"],
                                     ["backfill"]], ids=" ".join)
def test_bad_since_is_the_same_error_everywhere(cli, command):
    result = cli(*command, "--since", "last tuesday")
    assert result.exit_code == 2
    assert "--since: expected a date such as 2026, 2026-01, 2026-01-31" in result.stderr


@pytest.mark.parametrize("command", [["latest", "--indicator", "pce_price_idx"],
                                     ["history", "pce_price_idx"],
                                     ["revisions", "--indicator", "pce_price_idx"],
                                     ["plot", "pce_price_idx", "--out", "x.png"]], ids=" ".join)
def test_unknown_indicator_exits_2_with_the_closest_keys(cli, seeded, command):
    result = cli(*command)
    assert result.exit_code == 2
    assert "unknown indicator 'pce_price_idx'; did you mean pce_price_index" in result.stderr


def test_releases_lists_ids_that_show_takes(cli, seeded):
    listed = json.loads(cli("releases", "--json").stdout)
    assert [(r["id"], r["title"], r["vintages"]) for r in listed] == [
        (1, "Personal Income and Outlays, July 2026", 3)]
    assert listed[0]["figures"] >= 2  # the current vintage's figures
    table = cli("releases").stdout
    assert "Personal Income and Outlays" in table and "2026-08-29 12:30 UTC" in table
    for ref in ("1", URL, "personal-income-and-outlays-july-2026"):
        shown = cli("show", ref, "--json")
        assert shown.exit_code == 0 and json.loads(shown.stdout)["url"] == URL
    missing = cli("show", "999")
    assert missing.exit_code == 1 and "bea-tracker releases" in missing.stderr


def test_latest_has_a_unit_column_and_one_time_style(cli, seeded):
    table = cli("latest").stdout
    assert "Unit" in table and "% change" in table and "% from a year ago" in table
    assert "2026-08-29 12:30 UTC" in table
    assert "T12:30" not in table and "True" not in table


def test_revisions_shows_revised_figures_unless_all(cli, seeded):
    revised = json.loads(cli("revisions", "--json").stdout)
    assert [(r["period"], r["unit"], [s["value"] for s in r["estimates"]])
            for r in revised] == [("2026-07", "percent", [0.2, 0.4])]
    everything = json.loads(cli("revisions", "--all", "--json").stdout)
    assert len(everything) > len(revised)
    table = cli("revisions").stdout
    assert "+0.20" in table and "percent_yoy" not in table


def test_history_vintages_say_their_source(cli, seeded):
    rows = json.loads(cli("history", "pce_price_index", "--vintages", "--json").stdout)
    assert sorted({(r["source"], r["value"]) for r in rows
                   if r["unit"] == "percent" and r["period"] == "2026-07"}) == [
        ("feed", 0.2), ("page", 0.2), ("page", 0.4)]
    table = cli("history", "pce_price_index", "--vintages").stdout
    assert "Source" in table and "feed" in table and "page" in table


def test_subscribe_list_has_no_python_values(cli):
    assert cli("subscribe", "add", "--email", "a@example.org", "--indicator", "real_gdp",
               "--indicator", "pce", "--revisions").exit_code == 0
    table = cli("subscribe", "list").stdout
    assert "indicators: real_gdp, pce" in table and "revisions" in table
    for python in ("True", "False", "['", "None"):
        assert python not in table


@pytest.mark.parametrize("command", ["notify", "poll"])
def test_without_once_says_what_to_do(cli, command):
    result = cli(command)
    assert result.exit_code == 2
    assert f"'bea-tracker {command} --once'" in result.stderr and "bea-tracker run" in \
        result.stderr
    assert "Missing option" not in result.stderr


def test_retrying_a_missing_delivery_says_so(cli):
    result = cli("deliveries", "retry", "1")
    assert result.exit_code == 1
    assert "no such delivery: 1" in result.stderr


def test_parse_help_cites_no_missing_file(cli):
    text = cli("parse", "--help").stdout
    assert "DESIGN.md" not in text
    assert not any(p.name == "DESIGN.md" for p in ROOT.iterdir())


def test_browse_stops_datasette_when_stopped(tmp_path, write_config):
    """SIGTERM to browse stops its Datasette child (a stand-in that records its pid)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pid_file = tmp_path / "child.pid"
    fake = bin_dir / "datasette"
    fake.write_text(f'#!/bin/sh\necho $$ > "{pid_file}.tmp"\nmv "{pid_file}.tmp" "{pid_file}"\n'
                    "exec sleep 300\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT)}
    log = tmp_path / "browse.log"
    with log.open("w") as err:
        browse = subprocess.Popen([sys.executable, "-m", "bea_tracker", "--config",
                                   str(write_config()), "browse", "--port", "0"], env=env,
                                  stderr=err)
    try:
        # readiness: the child has started
        wait_until(lambda: pid_file.exists() or browse.poll() is not None, 60,
                   "the Datasette stand-in to start")
        assert browse.poll() is None, log.read_text()
        child = int(pid_file.read_text())
        browse.send_signal(signal.SIGTERM)
        assert browse.wait(timeout=30) == 0
        with pytest.raises(ProcessLookupError):
            for _ in range(100):  # the child is reaped by browse; gone at once
                os.kill(child, 0)
                time.sleep(0.05)
    finally:
        if browse.poll() is None:
            browse.kill()
            browse.wait()
