"""Queries read back what the store wrote, in DESIGN.md's shapes."""

from __future__ import annotations

import dataclasses

from db.migrate import HEAD_REVISION, head_revision
from db.queries import export_figures, history, latest_by_indicator, revisions
from db.store import store_snapshot


def test_head_constant_matches_migration_scripts(db_url):
    assert head_revision(db_url) == HEAD_REVISION


def test_empty_database_answers_empty(database):
    with database.session() as s:
        assert latest_by_indicator(s) == []
        assert history(s, "real_gdp") == []
        assert revisions(s) == []


def test_latest_prefers_newest_release(database, advance, second):
    fetched, record = second
    with database.unit_of_work() as s:
        store_snapshot(s, *advance)
        store_snapshot(s, fetched, dataclasses.replace(
            record, figures=(dataclasses.replace(record.figures[0], value=1.6),)))
    with database.session() as s:
        latest = {r.figure.indicator: r for r in latest_by_indicator(s)}
    assert latest["real_gdp"].figure.value == 1.6
    assert latest["real_gdp"].figure.estimate == "second"
    # pce_price_index only came with the advance release
    assert latest["pce_price_index"].figure.estimate == "advance"
    shape = latest["real_gdp"].to_json()
    assert {"indicator", "label", "period", "estimate", "value", "unit", "prior_value",
            "prior_period"} <= set(shape)


def test_revisions_walk_estimates_in_order(database, advance, second):
    fetched, record = second
    with database.unit_of_work() as s:
        store_snapshot(s, *advance)
        store_snapshot(s, fetched, dataclasses.replace(
            record, figures=(dataclasses.replace(record.figures[0], value=1.6, prior_value=2.0),)))
    with database.session() as s:
        found = {(r["indicator"], r["period"]): r for r in revisions(s, "real_gdp")}
    q2 = found[("real_gdp", "2026Q2")]
    assert [(e["estimate"], e["value"], e["change"]) for e in q2["estimates"]] == [
        ("advance", 1.5, None), ("second", 1.6, 0.1)]
    assert q2["total_change"] == 0.1
    q1 = found[("real_gdp", "2026Q1")]
    assert [e["value"] for e in q1["estimates"]] == [2.1, 2.0]


def test_history_and_export_cover_every_vintage(database, advance):
    fetched, record = advance
    with database.unit_of_work() as s:
        store_snapshot(s, fetched, record)
        store_snapshot(s, dataclasses.replace(fetched, body=b"v2"), dataclasses.replace(
            record, figures=(dataclasses.replace(record.figures[0], value=1.4),)))
    with database.session() as s:
        q2 = [r.figure.value for r in history(s, "real_gdp") if r.figure.period == "2026Q2"]
        assert q2 == [1.4]
        every = history(s, "real_gdp", vintages=True)
        assert [r.figure.value for r in every if r.figure.period == "2026Q2"] == [1.5, 1.4]
        # each vintage also restates Q1 (2.1): a figure of that period, estimate "revised"
        q1 = [(r.figure.value, r.figure.estimate) for r in every if r.figure.period == "2026Q1"]
        assert q1 == [(2.1, "revised"), (2.1, "revised")]
        assert len(export_figures(s)) == 5
