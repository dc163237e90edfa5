"""BEA's own per-item feed elements (``<data>``, ``<vintage>``, ``<NextReleaseDate>``).

feedparser flattens unknown elements into one namespace and loses their nesting, so the
``<item>`` blocks are cut out of the raw bytes and each is parsed on its own with
defusedxml: a truncated feed loses only its last, incomplete item. The series named by the
item's ``name`` attribute decides which DESIGN indicator the numbers belong to:

    GDP ...                                       -> real_gdp          percent_saar
    Personal Income and Outlays                   -> personal_income   percent
        supplemental "Personal Consumption Expenditures": pce percent, pce_change usd_billions
    U.S. International Trade in Goods and Services -> trade_balance    usd_billions
    U.S. International Transactions [and IIP]     -> current_account_balance usd_billions
        supplemental "International Investment Position": niip usd_trillions
    U.S. International Investment Position        -> niip              usd_trillions
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from db.records import FigureRecord
from scraper.extract.numbers import clean_text, parse_signed, scale
from scraper.extract.titles import (
    FAMILY_GDP,
    FAMILY_ITA,
    FAMILY_PIO,
    FAMILY_TRADE,
    estimate_from_title,
    family_of,
    period_from_text,
)

logger = logging.getLogger(__name__)

_ITEM_RE = re.compile(rb"<item\b[^>]*>.*?</item\s*>", re.S | re.I)
_DECL_RE = re.compile(rb"^\s*<\?xml[^>]*\?>")

Point = dict[str, str]  # {"infoDate": ..., "percentChange": ..., "rateChange": ..., ...}


@dataclass
class ItemExtras:
    """BEA's extra elements of one item, as text."""

    name: str | None = None
    vintage: str | None = None
    next_release: str | None = None
    guid_is_permalink: bool = True
    current: Point = field(default_factory=dict)
    previous: Point = field(default_factory=dict)
    supplementals: list[tuple[str, Point, Point]] = field(default_factory=list)


def _point(el: Element | None) -> Point:
    if el is None:
        return {}
    return {child.tag: clean_text(child.text) for child in el}


def _extras(item: Element) -> ItemExtras:
    guid = item.find("guid")
    extra = ItemExtras(
        name=clean_text(item.get("name")) or None,
        vintage=clean_text(item.findtext("vintage")) or None,
        next_release=clean_text(item.findtext("NextReleaseDate")) or None,
        guid_is_permalink=guid is None or guid.get("isPermaLink", "true").lower() != "false",
    )
    data = item.find("data")
    if data is not None:
        main = data.find("main")
        extra.current = _point(main.find("current") if main is not None else None)
        extra.previous = _point(main.find("previous") if main is not None else None)
        for sup in data.findall("supplemental"):
            name = clean_text(sup.get("name"))
            extra.supplementals.append(
                (name, _point(sup.find("current")), _point(sup.find("previous")))
            )
    else:  # the pre-2019 layout: the same values as flat children of <item>
        flat = _point(item)
        extra.current = {k: flat.get(k, "") for k in ("infoDate", "percentChange", "rateChange")}
        extra.previous = {"infoDate": flat.get("infoDatePrevious", ""),
                          "percentChange": flat.get("percentChangePrevious", "")}
    return extra


def read_item_extras(data: bytes, problems: list[str]) -> dict[str, ItemExtras]:
    """Extras of every complete ``<item>`` in ``data``, keyed by its title and its link."""
    decl = _DECL_RE.match(data)
    prefix = decl.group(0) if decl else b""
    found: dict[str, ItemExtras] = {}
    for index, m in enumerate(_ITEM_RE.finditer(data)):
        try:
            item = fromstring(prefix + m.group(0))
        except (DefusedXmlException, SyntaxError, ValueError) as exc:
            problems.append(f"item {index + 1}: BEA data elements unreadable ({exc})")
            continue
        extra = _extras(item)
        for key in (clean_text(item.findtext("title")), clean_text(item.findtext("link"))):
            if key:
                found.setdefault(key, extra)
    return found


def _targets(family: str | None, series: str) -> tuple[str, str, str] | None:
    """(indicator, label, unit) for the main figure of a series, or None if unmapped."""
    lowered = series.lower()
    if family == FAMILY_GDP:
        return "real_gdp", "Real GDP", "percent_saar"
    if family == FAMILY_PIO:
        return "personal_income", "Personal income", "percent"
    if family == FAMILY_TRADE:
        return "trade_balance", "Goods and services trade balance", "usd_billions"
    if family == FAMILY_ITA and "transactions" not in lowered:
        return "niip", "Net international investment position", "usd_trillions"
    if family == FAMILY_ITA:
        return "current_account_balance", "Current-account balance", "usd_billions"
    return None


def _value(text: str | None, unit: str, note: list[str], what: str) -> float | None:
    """A feed value in ``unit``; a percent where dollars are expected (or back) is refused."""
    parsed = parse_signed(text)
    if parsed is None:
        return None
    value, scale_word = parsed
    dollars = unit.startswith("usd_")
    if (dollars and scale_word == "%") or (not dollars and scale_word in ("billion", "trillion")):
        note.append(f"{what}: value {text!r} does not fit unit {unit}; skipped")
        return None
    return scale(value, scale_word, unit) if dollars else value


@dataclass
class _Spec:
    indicator: str
    label: str
    unit: str
    estimate: str | None


def _figure(spec: _Spec, current: Point, previous: Point, key: str, default_period: str | None,
            note: list[str], what: str) -> FigureRecord | None:
    value = _value(current.get(key), spec.unit, note, what)
    if value is None:
        return None
    period = period_from_text(current.get("infoDate")) or period_from_text(
        current.get(key)) or default_period
    if period is None:
        note.append(f"{what}: no period for {spec.indicator}; skipped")
        return None
    prior = _value(previous.get(key), spec.unit, note, what)
    prior_period = period_from_text(previous.get("infoDate")) or period_from_text(previous.get(key))
    return FigureRecord(spec.indicator, spec.label, period, spec.estimate, value, spec.unit,
                        prior, prior_period if prior is not None else None)


def _supplemental(name: str, current: Point, previous: Point, main_period: str | None,
                  estimate: str | None, note: list[str], what: str) -> list[FigureRecord]:
    lowered = name.lower()
    out: list[FigureRecord | None] = []
    if "personal consumption expenditures" in lowered:
        out.append(_figure(_Spec("pce", "Personal consumption expenditures", "percent",
                                 estimate), current, previous, "percentChange", main_period,
                           note, what))
        out.append(_figure(_Spec("pce_change", "Personal consumption expenditures (change)",
                                 "usd_billions", estimate), current, previous, "rateChange",
                           main_period, note, what))
    elif "investment position" in lowered:
        out.append(_figure(_Spec("niip", "Net international investment position",
                                 "usd_trillions", estimate), current, previous, "position",
                           main_period, note, what))
    return [f for f in out if f is not None]


def feed_figures(extra: ItemExtras, series: str, title: str, problems: list[str],
                 what: str) -> tuple[FigureRecord, ...]:
    """FigureRecords for one feed item, from its ``<data>`` element."""
    family = family_of(series) or family_of(title)
    target = _targets(family, series or title)
    estimate = estimate_from_title(title, extra.vintage)
    figures: list[FigureRecord] = []
    main_period = period_from_text(extra.current.get("infoDate")) or period_from_text(title)
    if target is not None:
        spec = _Spec(target[0], target[1], target[2], estimate)
        main = _figure(spec, extra.current, extra.previous, "percentChange", main_period,
                       problems, what)
        if main is None and clean_text(extra.current.get("percentChange")):
            problems.append(f"{what}: headline value {extra.current.get('percentChange')!r} "
                            "not understood")
        if main is not None:
            figures.append(main)
    for name, current, previous in extra.supplementals:
        for fig in _supplemental(name, current, previous, main_period, estimate, problems, what):
            if all((f.indicator, f.unit) != (fig.indicator, fig.unit) for f in figures):
                figures.append(fig)
    return tuple(figures)
