"""``bea-tracker parse PATH [--url URL] --json`` on every kind of saved BEA document prints
DESIGN.md's shapes; on anything else it exits 1 with one clear line."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from db import records
from tests.support.cli import run_cli
from tests.support.live import pick
from tests.support.paths import BEA_CAPTURES

FIXTURES = BEA_CAPTURES
GDP = "release-gdp-2026q2-advance.html"
PIO = "release-pio-2026-07-ws-normalized.html"
ITA = "release-ita-2026q1-annual-update.html"
FEED = "rss-2026-09-13.xml"
SCHEDULE_HTML = "schedule-table-excerpt-2026-07-16.html"
SCHEDULE_ICS = "schedule-ics-2026-09-19-normalized.ics"

RELEASE_KEYS = {"kind", "url", "title", "released_at", "release_number", "lead",
                "next_release", "figures"}
FIGURE_KEYS = {"indicator", "label", "period", "estimate", "value", "unit", "prior_value",
               "prior_period"}
FEED_KEYS = {"kind", "title", "updated", "items"}
ITEM_KEYS = {"guid", "title", "link", "published", "series", "next_release", "figures"}
EVENT_KEYS = {"title", "period", "starts_at", "category"}
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
PERIOD = re.compile(r"^\d{4}(Q[1-4]|-\d\d)?$")
UNITS = set(records.UNITS)
ESTIMATES = {*records.ESTIMATES, None}


def parse(path: Path | str, *args: str) -> Any:
    result = run_cli("parse", str(path), *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_figure_shape(figure: dict[str, Any]) -> None:
    assert FIGURE_KEYS <= set(figure)
    assert PERIOD.match(figure["period"]), figure
    assert figure["unit"] in UNITS, figure
    assert figure["estimate"] in ESTIMATES, figure
    assert isinstance(figure["value"], int | float) and not isinstance(figure["value"], bool)


@pytest.mark.parametrize("name", [GDP, PIO, ITA])
def test_a_release_page_prints_the_release_shape(name):
    shape = parse(FIXTURES / name)
    assert RELEASE_KEYS <= set(shape)
    assert shape["kind"] == "release"
    assert ISO_WITH_OFFSET.match(shape["released_at"])
    assert re.fullmatch(r"BEA \d\d-\d\d", shape["release_number"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", shape["next_release"])
    assert shape["figures"]
    for figure in shape["figures"]:
        assert_figure_shape(figure)


def test_url_option_sets_the_record_url():
    url = "https://www.bea.gov/news/2026/gdp-advance-estimate-2nd-quarter-2026"
    assert parse(FIXTURES / GDP, "--url", url)["url"] == url


def test_gdp_advance_values():
    shape = parse(FIXTURES / GDP)
    assert shape["title"] == "GDP (Advance Estimate), 2nd Quarter 2026"
    assert shape["released_at"] == "2026-07-30T08:30:00-04:00"
    assert shape["release_number"] == "BEA 26-35"
    assert shape["next_release"] == "2026-08-26"
    gdp = pick(shape["figures"], "real_gdp", "2026Q2")
    assert gdp == {"indicator": "real_gdp", "label": gdp["label"], "period": "2026Q2",
                   "estimate": "advance", "value": 1.5, "unit": "percent_saar",
                   "prior_value": 2.1, "prior_period": "2026Q1"}


def test_ita_values_carry_bea_sign():
    figures = parse(FIXTURES / ITA)["figures"]
    assert pick(figures, "current_account_balance", "2026Q1")["value"] == -226.8
    assert pick(figures, "niip", "2026Q1")["value"] == -21.27


def test_pio_values():
    figures = parse(FIXTURES / PIO)["figures"]
    assert pick(figures, "personal_income", "2026-07", "percent")["value"] == 0.4
    assert pick(figures, "pce_price_index", "2026-07", "percent_yoy")["value"] == 3.7


def test_the_feed_prints_the_feed_shape():
    shape = parse(FIXTURES / FEED)
    assert FEED_KEYS <= set(shape)
    assert shape["kind"] == "feed"
    assert ISO_WITH_OFFSET.match(shape["updated"])
    assert len(shape["items"]) == 48
    for item in shape["items"]:
        assert ITEM_KEYS <= set(item)
        assert item["link"].startswith(("https://www.bea.gov/", "https://apps.bea.gov/"))
        for figure in item["figures"]:
            assert_figure_shape(figure)
    trade = shape["items"][0]
    assert pick(trade["figures"], "trade_balance", "2026-07")["value"] == -88.6


@pytest.mark.parametrize("name", [SCHEDULE_HTML, SCHEDULE_ICS])
def test_a_schedule_prints_the_schedule_shape(name):
    shape = parse(FIXTURES / name)
    assert set(shape) >= {"kind", "events", "unscheduled"}
    assert shape["kind"] == "schedule"
    assert shape["events"]
    for event in shape["events"]:
        assert set(event) >= EVENT_KEYS
        assert ISO_WITH_OFFSET.match(event["starts_at"])
        assert event["category"] in ("news", "data", None)


def test_the_schedule_table_values():
    shape = parse(FIXTURES / SCHEDULE_HTML)
    assert len(shape["events"]) == 25
    gdp = [e for e in shape["events"] if e["title"] == "GDP (Advance Estimate)"
           and e["period"] == "2nd Quarter 2026"]
    assert [e["starts_at"] for e in gdp] == ["2026-07-30T08:30:00-04:00"]
    assert [u["title"] for u in shape["unscheduled"]] == [
        "Outdoor Recreation Economic Statistics, U.S. and States, 2025"]


def test_the_calendar_values():
    assert len(parse(FIXTURES / SCHEDULE_ICS)["events"]) == 119


def test_garbage_exits_1_with_one_clear_line(tmp_path):
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\x01 this is not a BEA document \xff\xfe")

    done = run_cli("parse", str(garbage), "--json", own_process=True, timeout=60, cwd=tmp_path)

    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {garbage}: not a BEA feed, release page")


@pytest.mark.parametrize("body", [
    b"",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"just some words, no markup",
    b"<!DOCTYPE html><html><head><title>Example Domain</title></head><body><p>Hi</p>"
    b"</body></html>",
], ids=["empty", "png", "text", "other-html"])
def test_what_is_no_bea_document_exits_1(tmp_path, body):
    path = tmp_path / "document"
    path.write_bytes(body)

    result = run_cli("parse", str(path), "--json")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {path}: not a BEA feed, release page")


def test_a_missing_file_is_a_usage_error(tmp_path):
    done = run_cli("parse", str(tmp_path / "nope.html"), own_process=True, timeout=60,
                   cwd=tmp_path)
    assert done.returncode == 2
    assert "does not exist" in done.stderr
