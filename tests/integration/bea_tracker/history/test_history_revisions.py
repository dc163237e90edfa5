"""``bea-tracker revisions`` computed from stored vintages of real BEA pages.

The first vintage is BEA's real GDP advance page for 2026Q2 (real GDP +1.5%, Q1 +2.1%);
later vintages are that page with the real GDP number edited in the bytes (synthetic).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from bea_tracker.demo.localbea import data

ADVANCE_URL = data.BEA_BASE_URL + data.GDP_ADVANCE_PATH
SECOND_URL = "https://www.bea.gov/news/2026/gdp-second-estimate-2nd-quarter-2026"
RELEASED = datetime(2026, 7, 30, 12, 30, tzinfo=timezone.utc)


def _real_gdp(cli, period: str) -> dict:
    result = cli("revisions", "--indicator", "real_gdp", "--all", "--json")
    assert result.exit_code == 0, result.output
    found = [r for r in json.loads(result.stdout) if r["period"] == period]
    assert len(found) == 1, result.stdout
    return found[0]


def test_advance_to_second_estimate(cli, store_page, synthetic_second_estimate):
    store_page(ADVANCE_URL, data.load(data.GDP_ADVANCE_FILE),
               RELEASED + timedelta(seconds=30))
    store_page(SECOND_URL, synthetic_second_estimate("1.3"),
               RELEASED + timedelta(days=27))

    q2 = _real_gdp(cli, "2026Q2")

    assert [(s["estimate"], s["value"], s["change"]) for s in q2["estimates"]] == [
        ("advance", 1.5, None), ("second", 1.3, -0.2)]
    assert [s["release_url"] for s in q2["estimates"]] == [ADVANCE_URL, SECOND_URL]
    assert q2["total_change"] == -0.2
    q1 = _real_gdp(cli, "2026Q1")  # both pages restate Q1 as 2.1: no revision
    assert [s["value"] for s in q1["estimates"]] == [2.1]


def test_an_unchanged_second_estimate_is_no_revision(cli, store_page,
                                                     synthetic_second_estimate):
    store_page(ADVANCE_URL, data.load(data.GDP_ADVANCE_FILE), RELEASED)
    store_page(SECOND_URL, synthetic_second_estimate("1.5"),
               RELEASED + timedelta(days=27))

    q2 = _real_gdp(cli, "2026Q2")

    assert [s["estimate"] for s in q2["estimates"]] == ["advance"]
    assert q2["total_change"] == 0


def test_table_and_csv_show_each_step(cli, store_page, synthetic_second_estimate):
    store_page(ADVANCE_URL, data.load(data.GDP_ADVANCE_FILE), RELEASED)
    store_page(SECOND_URL, synthetic_second_estimate("1.3"),
               RELEASED + timedelta(days=27))

    table = cli("revisions", "--indicator", "real_gdp")
    rows = cli("revisions", "--indicator", "real_gdp", "--csv").stdout.splitlines()

    assert table.exit_code == 0 and "second" in table.stdout and "+1.3%" in table.stdout
    assert rows[0].startswith("indicator,period,unit,estimate,value,change")
    assert any(r.startswith("real_gdp,2026Q2,percent_saar,second,1.3,-0.2,") for r in rows)


def test_a_corrected_page_is_a_revision_between_its_vintages(cli, store_page):
    real = data.load(data.GDP_ADVANCE_FILE)
    corrected = real.replace(b"annual rate of 1.5 percent", b"annual rate of 1.7 percent")
    first = store_page(ADVANCE_URL, real, RELEASED)
    second = store_page(ADVANCE_URL, corrected, RELEASED + timedelta(hours=2))
    assert first.release_id == second.release_id and second.new_snapshot
    assert [(r.old_value, r.new_value) for r in second.revisions] == [(1.5, 1.7)]

    q2 = _real_gdp(cli, "2026Q2")

    assert [(s["value"], s["change"]) for s in q2["estimates"]] == [(1.5, None), (1.7, 0.2)]
