"""The indicator catalogue is the single source: README's table, the families, aliases."""

from __future__ import annotations

import re

import pytest

from db import indicators
from db.records import UNITS
from tests.support.paths import ROOT

README = ROOT / "README.md"


def test_readme_table_is_the_catalogue():
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- indicators:start -->\n(.*?)\n<!-- indicators:end -->", text, re.S)
    assert block, "README lost its indicator table markers"
    assert block.group(1) == indicators.markdown_table(), (
        "README's table differs from db/indicators.py: paste `python -m db.indicators`")


def test_design_keys_are_all_there():
    design = ("real_gdp current_dollar_gdp real_gdi corporate_profits pce_price_index "
              "core_pce_price_index personal_income disposable_personal_income pce real_pce "
              "personal_saving_rate trade_balance exports imports current_account_balance niip")
    assert set(design.split()) <= set(indicators.keys())


def test_every_entry_is_well_formed():
    for ind in indicators.CATALOGUE:
        assert ind.family in indicators.FAMILIES, ind.key
        assert ind.units and set(ind.units) <= set(UNITS), ind.key
        assert ind.label and ind.description, ind.key
    assert len(indicators.keys()) == len(indicators.CATALOGUE)  # no key twice


@pytest.mark.parametrize("typed,closest", [("real_gpd", "real_gdp"), ("nip", "niip"),
                                           ("pce_price", "pce_price_index")])
def test_closest_keys(typed, closest):
    assert indicators.closest(typed)[0] == closest


def test_alias_resolves_and_unknown_does_not():
    assert indicators.resolve("real_dpi") == "real_disposable_personal_income"
    assert indicators.get("real_dpi").key == "real_disposable_personal_income"
    assert indicators.resolve("real_gpd") is None
    with pytest.raises(KeyError):
        indicators.get("real_gpd")
