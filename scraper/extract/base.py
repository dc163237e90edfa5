"""What a release family is (``Family``), and the small pieces every family extractor uses:
the result type, clause finding, table lookup, figure making (labels from the catalogue).

Family extractors read sentences such as "The PCE price index increased 5.1 percent,
compared with an increase of 4.6 percent, and the PCE price index excluding food and energy
increased 3.4 percent": ``clause()`` cuts the text after an anchor phrase up to the next
stop phrase, so one sentence can yield several figures without their numbers mixing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from db import indicators
from db.records import FigureRecord
from scraper.extract.numbers import NUM, clean_text, to_float
from scraper.extract.page import ReleasePage, Table
from scraper.extract.periods import period_sort_key

logger = logging.getLogger(__name__)

_SENTENCE_END = r"\.(?:\s+[A-Z(]|\s*$)"
_NUMBER_CELL = re.compile(rf"^\(?{NUM}\)?$")


@dataclass
class FamilyResult:
    """What a family extractor found: figures, the headline keys it expected, problems."""

    figures: list[FigureRecord] = field(default_factory=list)
    expected: tuple[str, ...] = ()
    problems: list[str] = field(default_factory=list)

    def add(self, figure: FigureRecord | None) -> None:
        """Keep ``figure`` unless it is None or repeats an (indicator, unit, period) found."""
        if figure is None:
            return
        key = (figure.indicator, figure.unit, figure.period)
        if any((f.indicator, f.unit, f.period) == key for f in self.figures):
            return
        self.figures.append(figure)

    def ordered(self) -> tuple[FigureRecord, ...]:
        """Figures with the headline (latest) period first, otherwise in the order found."""
        latest = max((period_sort_key(f.period) for f in self.figures), default=None)
        return tuple(sorted(self.figures, key=lambda f: period_sort_key(f.period) != latest))

    def found(self) -> set[str]:
        return {f.indicator for f in self.figures}

    def missing(self) -> list[str]:
        return [key for key in self.expected if key not in self.found()]


_PRIOR_QUARTER = re.compile(r"\bIn the (?:first|second|third|fourth) quarter(?: of \d{4})?,\s*$",
                            re.I)


def clause(text: str, anchor: str, stop: str | None = None) -> str | None:
    """Text after the first ``anchor`` match, up to ``stop`` (or the sentence end).

    A match right after "In the first quarter," is the prior quarter's statement, never
    the current one: it is skipped.
    """
    m = next((m for m in re.finditer(anchor, text, re.I)
              if not _PRIOR_QUARTER.search(text[max(0, m.start() - 40):m.start()])), None)
    if not m:
        return None
    rest = text[m.end():]
    ends = [e.start() for e in (re.search(_SENTENCE_END, rest),
                                re.search(stop, rest, re.I) if stop else None) if e]
    return rest[: min(ends)] if ends else rest


def find_paragraph(paragraphs: tuple[str, ...], pattern: str) -> str | None:
    """First paragraph matching ``pattern`` (case-insensitive)."""
    regex = re.compile(pattern, re.I)
    return next((p for p in paragraphs if regex.search(p)), None)


def row_numbers(tables: tuple[Table, ...], label: str) -> list[float]:
    """Numeric cells of the first table row whose first cell matches ``label`` exactly."""
    regex = re.compile(label, re.I)
    for table in tables:
        for row in table:
            if row and regex.fullmatch(row[0].strip()):
                cells = [c.strip("()") for c in row[1:] if _NUMBER_CELL.match(c.strip())]
                try:
                    return [to_float(c) for c in cells]
                except ValueError:
                    return []
    return []


def make(
    indicator: str,
    label: str | None,
    period: str | None,
    estimate: str | None,
    value: float | None,
    unit: str,
    prior_value: float | None = None,
    prior_period: str | None = None,
) -> FigureRecord | None:
    """A FigureRecord, or None when the value or period is missing.

    ``indicator`` must be in the catalogue (db/indicators.py) with ``unit`` among its units:
    a family cannot yield a key that subscribe, plot and the README do not know. ``label``
    None takes the catalogue's label.
    """
    entry = indicators.get(indicator)  # KeyError: add the key to the catalogue first
    if unit not in entry.units:
        raise ValueError(f"{indicator}: unit {unit} not in the catalogue's {entry.units}")
    if value is None or period is None:
        return None
    return FigureRecord(
        indicator=indicator,
        label=label or entry.label,
        period=period,
        estimate=estimate,
        value=value,
        unit=unit,
        prior_value=prior_value,
        prior_period=prior_period if prior_value is not None else None,
    )


# ------------------------------------------------------------------- release families

Estimates = tuple[tuple[str, "re.Pattern[str]"], ...]
#: what most families' titles can say about the estimate
COMMON_ESTIMATES: Estimates = (
    ("comprehensive_update", re.compile(r"\bcomprehensive\s+update\b", re.I)),
    ("annual_update", re.compile(r"\bannual\s+update\b", re.I)),
)


@dataclass(frozen=True)
class FeedMap:
    """How a feed item's ``<data>`` maps to a family's indicators.

    ``main``: (indicator, unit, data key) of ``<data><main>``; ``supplementals``: (words in
    the supplemental's name, data key, indicator, unit).
    """

    main: tuple[str, str, str] | None = None
    supplementals: tuple[tuple[str, str, str, str], ...] = ()


@dataclass(frozen=True)
class Family:
    """Everything about one release family; see scraper/extract/families/__init__.py."""

    name: str
    title: re.Pattern[str]
    extract: Callable[[ReleasePage, str], FamilyResult]
    url: re.Pattern[str] | None = None
    series: str | None = None  # the stable series name; None: the title without its period
    estimates: Estimates = COMMON_ESTIMATES
    vintages: tuple[tuple[str, str], ...] = ()  # the feed's <vintage> words -> estimate
    feed: FeedMap | None = None

    def matches(self, title: str | None, url: str | None = None) -> bool:
        if title and self.title.search(clean_text(title)):
            return True
        return bool(url and self.url and self.url.search(url.lower()))

    def estimate(self, title: str | None, vintage: str | None = None) -> str | None:
        return read_estimate(title, vintage, self.estimates, self.vintages)


def read_estimate(title: str | None, vintage: str | None = None,
                  estimates: Estimates = COMMON_ESTIMATES,
                  vintages: tuple[tuple[str, str], ...] = ()) -> str | None:
    """The estimate a title names ('GDP (Second Estimate) ...' -> 'second'), else the feed's
    ``<vintage>`` ('2nd'), else None."""
    title = clean_text(title)
    for name, pattern in estimates:
        if pattern.search(title):
            return name
    return dict(vintages).get(clean_text(vintage).lower()) if vintage else None
