"""Small pieces every family extractor uses: the result type, clause finding, table lookup.

Family extractors read sentences such as "The PCE price index increased 5.1 percent,
compared with an increase of 4.6 percent, and the PCE price index excluding food and energy
increased 3.4 percent": ``clause()`` cuts the text after an anchor phrase up to the next
stop phrase, so one sentence can yield several figures without their numbers mixing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from db.records import FigureRecord
from scraper.extract.numbers import NUM, to_float
from scraper.extract.page import Table

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
        """Keep ``figure`` unless it is None or repeats an (indicator, unit) already found."""
        if figure is None:
            return
        if any((f.indicator, f.unit) == (figure.indicator, figure.unit) for f in self.figures):
            return
        self.figures.append(figure)

    def found(self) -> set[str]:
        return {f.indicator for f in self.figures}

    def missing(self) -> list[str]:
        return [key for key in self.expected if key not in self.found()]


def clause(text: str, anchor: str, stop: str | None = None) -> str | None:
    """Text after the first ``anchor`` match, up to ``stop`` (or the sentence end)."""
    m = re.search(anchor, text, re.I)
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
    label: str,
    period: str | None,
    estimate: str | None,
    value: float | None,
    unit: str,
    prior_value: float | None = None,
    prior_period: str | None = None,
) -> FigureRecord | None:
    """A FigureRecord, or None when the value or period is missing."""
    if value is None or period is None:
        return None
    return FigureRecord(
        indicator=indicator,
        label=label,
        period=period,
        estimate=estimate,
        value=value,
        unit=unit,
        prior_value=prior_value,
        prior_period=prior_period if prior_value is not None else None,
    )
