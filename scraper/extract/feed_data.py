"""BEA's own per-item feed elements (``<data>``, ``<vintage>``, ``<NextReleaseDate>``).

feedparser flattens unknown elements into one namespace and loses their nesting, so the
``<item>`` blocks are cut out of the raw bytes and each is parsed on its own with
defusedxml: a truncated feed loses only its last, incomplete item. The series named by the
item's ``name`` attribute names the series, whose family (``families``) says which
indicators the numbers belong to (its ``FeedMap``): e.g. GDP -> real_gdp percent_saar,
Personal Income and Outlays -> personal_income percent plus the supplemental "Personal
Consumption Expenditures" as pce / pce_change.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from db import indicators
from db.records import FigureRecord
from scraper.extract.base import read_estimate
from scraper.extract.families import family_for
from scraper.extract.numbers import clean_text, parse_signed, scale
from scraper.extract.periods import period_from_text, title_periods

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


def feed_figures(extra: ItemExtras, series: str, title: str, problems: list[str],
                 what: str) -> tuple[FigureRecord, ...]:
    """FigureRecords for one feed item, from its ``<data>`` element."""
    family = family_for(series) or family_for(title)
    if family is None or family.feed is None:
        return ()
    estimate = family.estimate(title, extra.vintage) if family else read_estimate(title)
    figures: list[FigureRecord] = []
    periods = title_periods(title)
    main_period = period_from_text(extra.current.get("infoDate")) or (
        periods[-1] if periods else None)
    if family.feed.main is not None:
        indicator, unit, key = family.feed.main
        spec = _Spec(indicator, indicators.label(indicator), unit, estimate)
        main = _figure(spec, extra.current, extra.previous, key, main_period, problems, what)
        if main is None and clean_text(extra.current.get(key)):
            problems.append(f"{what}: headline value {extra.current.get(key)!r} "
                            "not understood")
        if main is not None:
            figures.append(main)
    for name, current, previous in extra.supplementals:
        for words, key, indicator, unit in family.feed.supplementals:
            if words not in name.lower():
                continue
            spec = _Spec(indicator, indicators.label(indicator), unit, estimate)
            fig = _figure(spec, current, previous, key, main_period, problems, what)
            if fig and all((f.indicator, f.unit) != (fig.indicator, fig.unit) for f in figures):
                figures.append(fig)
    return tuple(figures)
