"""The indicator catalogue: every figure key bea-tracker stores, as plain data.

One list is the single source for the extractors (labels, units), ``subscribe`` validation,
``plot``, ``latest``, the README table and the docs. It lives in ``db/`` because the
scraper, the notifier and the command line all read it and may all import ``db``.

Keys are stable: add more, never rename; a renamed idea gets an alias. Range keys
(``*_high`` / ``*_low``) carry the state or county in the figure's label.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

#: release families (module names under scraper/extract/families/) and their display names
FAMILIES: dict[str, str] = {
    "gdp": "GDP (advance, initial, second, updated, third; annual and comprehensive updates; "
           "GDI; corporate profits)",
    "pio": "Personal Income and Outlays",
    "trade": "U.S. International Trade in Goods and Services (monthly; month and annual)",
    "ita": "U.S. International Transactions",
    "iip": "U.S. International Investment Position",
    "gdp_state": "GDP by State (and Personal Income by State, quarterly)",
    "pi_state": "Personal Income by State (quarterly and annual)",
    "pce_state": "Personal Consumption Expenditures by State (and real PCE / real income)",
    "county_metro": "GDP and Personal Income by County and Metropolitan Area",
    "gdp_industry": "GDP by Industry",
    "direct_investment": "Direct Investment, Multinational Enterprises, New Foreign Direct "
                         "Investment",
    "territories": "GDP for the U.S. territories",
    "satellite": "Satellite accounts (outdoor recreation, arts and culture, marine, space, "
                 "digital economy, travel and tourism)",
}

#: units a figure may carry (DESIGN.md plus counts of states or counties and millions)
UNITS = ("percent_saar", "percent", "percent_yoy", "percent_level", "usd_billions",
         "usd_trillions", "count", "millions")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    units: tuple[str, ...]
    family: str
    description: str
    aliases: tuple[str, ...] = ()


_P, _SAAR, _YOY, _LVL = "percent", "percent_saar", "percent_yoy", "percent_level"
_B, _T, _N, _M = "usd_billions", "usd_trillions", "count", "millions"

# (key, label, units, family, description[, aliases])
_ROWS: tuple[tuple[Any, ...], ...] = (
    # GDP
    ("real_gdp", "Real GDP", (_SAAR, _P), "gdp",
     "Real gross domestic product, percent change at an annual rate (annual: from the year "
     "before)"),
    ("current_dollar_gdp", "Current-dollar GDP", (_SAAR, _T), "gdp",
     "GDP in current dollars: percent change at an annual rate"),
    ("real_final_sales_private_domestic", "Real final sales to private domestic purchasers",
     (_SAAR,), "gdp", "Consumer spending plus private fixed investment, real, annual rate"),
    ("gross_domestic_purchases_price_index", "Gross domestic purchases price index", (_SAAR,),
     "gdp", "Prices paid by U.S. residents, annual rate"),
    ("pce_price_index", "PCE price index", (_SAAR, _P, _YOY), "gdp",
     "Personal consumption expenditures price index (GDP: annual rate; monthly: from the "
     "month before and from a year ago)"),
    ("core_pce_price_index", "PCE price index excluding food and energy", (_SAAR, _P, _YOY),
     "gdp", "Core PCE prices"),
    ("real_gdi", "Real GDI", (_SAAR,), "gdp", "Real gross domestic income, annual rate"),
    ("corporate_profits", "Corporate profits from current production (change)", (_B,), "gdp",
     "Change in profits from current production from the quarter before"),
    # Personal income and outlays
    ("personal_income", "Personal income", (_P,), "pio", "Percent change from the month before"),
    ("personal_income_change", "Personal income (change)", (_B,), "pio",
     "Dollar change from the month before"),
    ("disposable_personal_income", "Disposable personal income", (_P,), "pio",
     "DPI: personal income less personal current taxes, percent change"),
    ("disposable_personal_income_change", "Disposable personal income (change)", (_B,), "pio",
     "DPI, dollar change"),
    ("real_disposable_personal_income", "Real DPI", (_P,), "pio", "Real DPI, percent change",
     ("real_dpi",)),
    ("pce", "Personal consumption expenditures", (_P,), "pio",
     "PCE (consumer spending), percent change"),
    ("pce_change", "Personal consumption expenditures (change)", (_B,), "pio",
     "PCE, dollar change"),
    ("real_pce", "Real PCE", (_P,), "pio", "Real PCE, percent change"),
    ("real_pce_change", "Real PCE (change)", (_B,), "pio", "Real PCE, chained-dollar change"),
    ("personal_outlays_change", "Personal outlays (change)", (_B,), "pio",
     "Personal outlays, dollar change"),
    ("personal_saving", "Personal saving", (_B,), "pio", "Level of personal saving"),
    ("personal_saving_rate", "Personal saving rate", (_LVL,), "pio",
     "Personal saving as a percentage of DPI"),
    # Trade
    ("trade_balance", "Goods and services trade balance", (_B,), "trade",
     "Monthly (or annual) balance; a deficit is negative"),
    ("exports", "Exports", (_B,), "trade", "Exports of goods and services"),
    ("imports", "Imports", (_B,), "trade", "Imports of goods and services"),
    ("trade_balance_change", "Goods and services trade balance (change)", (_B,), "trade",
     "Change in the balance (a deficit that grew is negative); annual, in Month and Annual "
     "releases"),
    ("exports_change", "Exports (change)", (_B,), "trade", "Change in exports"),
    ("imports_change", "Imports (change)", (_B,), "trade", "Change in imports"),
    # International transactions and investment position
    ("current_account_balance", "Current-account balance", (_B,), "ita",
     "Quarterly current-account balance; a deficit is negative"),
    ("current_account_balance_change", "Current-account balance (change)", (_B,), "ita",
     "Change in the balance (a widening deficit is negative)"),
    ("current_account_balance_pct_gdp", "Current-account balance, percent of GDP", (_LVL,),
     "ita", "The balance as a share of current-dollar GDP"),
    ("net_financial_transactions", "Net financial-account transactions", (_B,), "ita",
     "Net lending (+) or borrowing (-) through financial-account transactions"),
    ("niip", "Net international investment position", (_T,), "iip",
     "U.S. assets less liabilities at the end of the quarter"),
    # States
    ("state_real_gdp_us", "Real GDP for the nation (state release)", (_SAAR, _P), "gdp_state",
     "U.S. real GDP as the state release states it"),
    ("state_real_gdp_high", "Real GDP by state, highest", (_SAAR, _P), "gdp_state",
     "Fastest-growing state; the state in the label"),
    ("state_real_gdp_low", "Real GDP by state, lowest", (_SAAR, _P), "gdp_state",
     "Slowest-growing state; the state in the label"),
    ("state_real_gdp_increased_count", "States where real GDP increased", (_N,), "gdp_state",
     "Number of states (District of Columbia not counted)"),
    ("state_real_gdp_decreased_count", "States where real GDP decreased", (_N,), "gdp_state",
     "Number of states (District of Columbia not counted)"),
    ("state_gdp_current_high", "Current-dollar GDP by state, highest", (_SAAR, _P),
     "gdp_state", "Highest current-dollar GDP growth; the state in the label"),
    ("state_gdp_current_low", "Current-dollar GDP by state, lowest", (_SAAR, _P), "gdp_state",
     "Lowest current-dollar GDP growth; the state in the label"),
    ("state_personal_income_us", "State personal income, U.S.", (_SAAR, _P), "pi_state",
     "Personal income summed over states: annual rate (quarters) or from the year before"),
    ("state_personal_income_high", "Personal income by state, highest", (_SAAR, _P),
     "pi_state", "Fastest personal-income growth; the state in the label"),
    ("state_personal_income_low", "Personal income by state, lowest", (_SAAR, _P), "pi_state",
     "Slowest personal-income growth; the state in the label"),
    ("state_pce_us", "State PCE, U.S.", (_P,), "pce_state",
     "Personal consumption expenditures summed over states, percent change"),
    ("state_pce_high", "PCE by state, highest", (_P,), "pce_state", "The state in the label"),
    ("state_pce_low", "PCE by state, lowest", (_P,), "pce_state", "The state in the label"),
    ("state_real_pce_us", "Real PCE for the nation (state release)", (_P,), "pce_state",
     "Real PCE, percent change"),
    ("state_real_pce_high", "Real PCE by state, highest", (_P,), "pce_state",
     "The state in the label"),
    ("state_real_pce_low", "Real PCE by state, lowest", (_P,), "pce_state",
     "The state in the label"),
    ("state_real_pce_increased_count", "States where real PCE increased", (_N,), "pce_state",
     "Number of states"),
    ("state_real_personal_income_us", "Real personal income for the nation", (_P,),
     "pce_state", "Real personal income, percent change"),
    ("state_real_personal_income_high", "Real personal income by state, highest", (_P,),
     "pce_state", "The state in the label"),
    ("state_real_personal_income_low", "Real personal income by state, lowest", (_P,),
     "pce_state", "The state in the label"),
    ("state_real_personal_income_increased_count", "States where real personal income "
     "increased", (_N,), "pce_state", "Number of states"),
    # Counties and metropolitan areas
    ("county_real_gdp_high", "Real GDP by county, highest", (_P,), "county_metro",
     "The county in the label"),
    ("county_real_gdp_low", "Real GDP by county, lowest", (_P,), "county_metro",
     "The county in the label"),
    ("county_real_gdp_increased_count", "Counties where real GDP increased", (_N,),
     "county_metro", "Number of counties"),
    ("county_real_gdp_decreased_count", "Counties where real GDP decreased", (_N,),
     "county_metro", "Number of counties"),
    ("county_real_gdp_unchanged_count", "Counties where real GDP was unchanged", (_N,),
     "county_metro", "Number of counties"),
    ("county_personal_income_high", "Personal income by county, highest", (_P,),
     "county_metro", "The county in the label"),
    ("county_personal_income_low", "Personal income by county, lowest", (_P,), "county_metro",
     "The county in the label"),
    ("county_personal_income_increased_count", "Counties where personal income increased",
     (_N,), "county_metro", "Number of counties"),
    ("county_personal_income_decreased_count", "Counties where personal income decreased",
     (_N,), "county_metro", "Number of counties"),
    ("county_personal_income_unchanged_count", "Counties where personal income was unchanged",
     (_N,), "county_metro", "Number of counties"),
    ("metro_personal_income", "Personal income, metropolitan portion", (_P,), "county_metro",
     "Percent change"),
    ("nonmetro_personal_income", "Personal income, nonmetropolitan portion", (_P,),
     "county_metro", "Percent change"),
    ("metro_county_personal_income_high", "Personal income, metropolitan county, highest",
     (_P,), "county_metro", "The county in the label"),
    ("metro_county_personal_income_low", "Personal income, metropolitan county, lowest",
     (_P,), "county_metro", "The county in the label"),
    ("nonmetro_county_personal_income_high", "Personal income, nonmetropolitan county, "
     "highest", (_P,), "county_metro", "The county in the label"),
    ("nonmetro_county_personal_income_low", "Personal income, nonmetropolitan county, lowest",
     (_P,), "county_metro", "The county in the label"),
    # GDP by industry
    ("value_added_private_goods", "Real value added, private goods-producing industries",
     (_SAAR,), "gdp_industry", "Percent change at an annual rate (also in the GDP third and "
     "updated estimates)"),
    ("value_added_private_services", "Real value added, private services-producing "
     "industries", (_SAAR,), "gdp_industry", "Percent change at an annual rate"),
    ("value_added_government", "Real value added, government", (_SAAR,), "gdp_industry",
     "Percent change at an annual rate"),
    # Direct investment and multinational enterprises
    ("direct_investment_abroad_position", "U.S. direct investment abroad position", (_T,),
     "direct_investment", "Cumulative position at the end of the year"),
    ("direct_investment_abroad_position_change", "U.S. direct investment abroad position "
     "(change)", (_B,), "direct_investment", "Change from the end of the year before"),
    ("direct_investment_abroad_position_change_pct", "U.S. direct investment abroad position "
     "(percent change)", (_P,), "direct_investment", "Percent change"),
    ("fdi_us_position", "Foreign direct investment in the U.S. position", (_T,),
     "direct_investment", "Cumulative position at the end of the year"),
    ("fdi_us_position_change", "Foreign direct investment in the U.S. position (change)",
     (_B,), "direct_investment", "Change from the end of the year before"),
    ("fdi_us_position_change_pct", "Foreign direct investment in the U.S. position (percent "
     "change)", (_P,), "direct_investment", "Percent change"),
    ("new_fdi_expenditures", "New foreign direct investment expenditures", (_B,),
     "direct_investment", "Expenditures to acquire, establish or expand U.S. businesses"),
    ("new_fdi_expenditures_change", "New foreign direct investment expenditures (change)",
     (_B,), "direct_investment", "Dollar change from the year before"),
    ("new_fdi_expenditures_change_pct", "New foreign direct investment expenditures (percent "
     "change)", (_P,), "direct_investment", "Percent change from the year before"),
    ("mne_worldwide_employment", "Worldwide employment of U.S. MNEs", (_M,),
     "direct_investment", "Millions of workers"),
    ("mne_worldwide_employment_change_pct", "Worldwide employment of U.S. MNEs (percent "
     "change)", (_P,), "direct_investment", "Percent change"),
    ("mne_worldwide_value_added", "Worldwide value added of U.S. MNEs", (_T,),
     "direct_investment", "Current dollars"),
    ("mne_worldwide_value_added_change_pct", "Worldwide value added of U.S. MNEs (percent "
     "change)", (_P,), "direct_investment", "Percent change"),
    # Territories
    ("territory_real_gdp", "Real GDP of a territory", (_P,), "territories",
     "Percent change from the year before; the territory in the label"),
    ("us_real_gdp_excl_territories", "Real GDP of the U.S. excluding territories", (_P,),
     "territories", "As the territory release states it"),
    # Satellite accounts
    *(
        (f"{name}_{what}", f"{label}: {text}", units, "satellite", desc)
        for name, label in (
            ("outdoor_recreation", "Outdoor recreation"), ("arts_culture", "Arts and culture"),
            ("marine", "Marine economy"), ("space", "Space economy"),
            ("digital", "Digital economy"),
        )
        for what, text, units, desc in (
            ("value_added", "value added", (_B, _T), "Current-dollar value added"),
            ("share_gdp", "share of GDP", (_LVL,), "Value added as a percent of GDP"),
            ("real_growth", "real growth", (_P,), "Real value added, percent change"),
            ("gross_output", "gross output", (_B, _T), "Current-dollar gross output"),
        )
    ),
    ("outdoor_recreation_share_state_gdp_high", "Outdoor recreation share of state GDP, "
     "highest", (_LVL,), "satellite", "The state in the label"),
    ("outdoor_recreation_share_state_gdp_low", "Outdoor recreation share of state GDP, lowest",
     (_LVL,), "satellite", "The state in the label"),
    ("marine_share_gross_output", "Marine economy: share of gross output", (_LVL,),
     "satellite", "Gross output as a percent of U.S. gross output"),
    ("digital_real_growth_avg_annual", "Digital economy: average annual real growth", (_P,),
     "satellite", "Over a span of years (period such as 2016-2021)"),
    ("travel_tourism_real_output_growth", "Travel and tourism: real output growth", (_P,),
     "satellite", "Real output of goods and services sold directly to visitors"),
)

CATALOGUE: tuple[Indicator, ...] = tuple(Indicator(*row) for row in _ROWS)
_BY_KEY: dict[str, Indicator] = {i.key: i for i in CATALOGUE}
_ALIASES: dict[str, str] = {alias: i.key for i in CATALOGUE for alias in i.aliases}


def resolve(key: str) -> str | None:
    """The catalogue key for ``key`` (itself or an alias), or None when unknown."""
    key = key.strip()
    return key if key in _BY_KEY else _ALIASES.get(key)


def get(key: str) -> Indicator:
    """The catalogue entry of ``key`` (an alias works too); KeyError when unknown."""
    found = resolve(key)
    if found is None:
        raise KeyError(key)
    return _BY_KEY[found]


def label(key: str) -> str:
    return get(key).label


def keys() -> tuple[str, ...]:
    return tuple(_BY_KEY)


def of_family(family: str) -> tuple[Indicator, ...]:
    return tuple(i for i in CATALOGUE if i.family == family)


def closest(key: str, n: int = 3) -> list[str]:
    """Known keys nearest to a mistyped ``key`` ('real_gpd' -> ['real_gdp', ...])."""
    pool = list(_BY_KEY) + list(_ALIASES)
    return difflib.get_close_matches(key.strip(), pool, n=n, cutoff=0.6)


def markdown_table() -> str:
    """The README's family and indicator tables, generated from the catalogue (a test keeps
    README.md equal to this; regenerate with ``python -m db.indicators``)."""
    lines = ["| family | releases |", "|---|---|"]
    lines += [f"| `{name}` | {text} |" for name, text in FAMILIES.items()]
    lines += ["", "| family | key | label | units |", "|---|---|---|---|"]
    for family in FAMILIES:
        for ind in of_family(family):
            also = "".join(f" (also `{a}`)" for a in ind.aliases)
            lines.append(f"| {family} | `{ind.key}`{also} | {ind.label} | "
                         f"{', '.join(ind.units)} |")
    return "\n".join(lines)


if __name__ == "__main__":  # print the README block
    print(markdown_table())
