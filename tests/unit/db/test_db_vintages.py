"""A release's restatement of an earlier period is stored as a vintage of that period."""

from __future__ import annotations

import dataclasses

from db.events import snapshot_figures
from db.queries import revisions
from db.records import FigureRecord
from db.store import restatements, store_snapshot


def test_prior_values_become_revised_figures_of_their_period():
    figs = (FigureRecord("real_gdp", "Real GDP", "2026Q2", "advance", 1.5, "percent_saar",
                         2.1, "2026Q1"),
            FigureRecord("real_gdp", "Real GDP", "2026Q2", "advance", 0.4, "percent",
                         0.5, "2026Q1"),
            FigureRecord("pce", "PCE", "2026-07", None, 0.2, "percent", 0.3, "2026-06"),
            FigureRecord("pce", "PCE", "2026-06", None, 0.4, "percent"))  # stated itself

    derived = restatements(figs)

    assert [(f.indicator, f.period, f.estimate, f.value, f.unit, f.prior_value)
            for f in derived] == [("real_gdp", "2026Q1", "revised", 2.1, "percent_saar", None),
                                  ("real_gdp", "2026Q1", "revised", 0.5, "percent", None)]


def test_restated_rows_are_history_not_the_releases_own_figures(database, advance, second):
    with database.unit_of_work() as s:
        stored = store_snapshot(s, *advance)
        store_snapshot(s, second[0], dataclasses.replace(second[1], figures=(
            dataclasses.replace(second[1].figures[0], value=1.6, prior_value=2.0),)))
    with database.session() as s:
        own = snapshot_figures(s, stored.snapshot_id)
        paths = {r["period"]: r for r in revisions(s, "real_gdp")}

    assert [f.period for f in own] == ["2026Q2", "2026Q2"]  # alerts show what BEA headlined
    assert [(e["estimate"], e["value"]) for e in paths["2026Q1"]["estimates"]] == [
        ("revised", 2.1), ("revised", 2.0)]
    assert [(e["estimate"], e["value"]) for e in paths["2026Q2"]["estimates"]] == [
        ("advance", 1.5), ("second", 1.6)]
