"""What a BEA release title says beyond its family: where the period starts, the series.

Release pages, feed items and schedule rows all carry titles like
"GDP (Second Estimate) and Corporate Profits, 2nd Quarter 2026"; the family (and with it the
estimate words and series name) comes from the registry in ``families``, the periods from
``periods``.
"""

from __future__ import annotations

import logging
import re

from scraper.extract.base import read_estimate
from scraper.extract.families import family_for
from scraper.extract.numbers import clean_text
from scraper.extract.periods import has_year

logger = logging.getLogger(__name__)

def estimate_from_title(title: str | None, vintage: str | None = None,
                        url: str | None = None) -> str | None:
    """'GDP (Second Estimate) ...' -> 'second' (the family's words); feed vintage '2nd'
    when the title is silent."""
    family = family_for(title, url)
    return family.estimate(title, vintage) if family else read_estimate(title, vintage)


def _is_period_part(part: str) -> bool:
    return has_year(part) or bool(re.fullmatch(r"annual update", part, re.I))


def split_title_period(title: str | None) -> tuple[str, str | None]:
    """'GDP (Advance Estimate), 3rd Quarter 2026' -> ('GDP (Advance Estimate)', '3rd Quarter 2026').

    The period starts at the first comma-separated part (after the first) that holds a
    year or says "Annual Update"; everything from there on is the period text.
    """
    title = clean_text(title)
    parts = title.split(", ")
    for i in range(1, len(parts)):
        if _is_period_part(parts[i]):
            return ", ".join(parts[:i]), ", ".join(parts[i:])
    return title, None


def canonical_series(name_or_title: str | None) -> str | None:
    """A stable series name: the family's own name where it has one (GDP, PIO, trade), else
    the title without its period."""
    name = clean_text(name_or_title)
    if not name:
        return None
    family = family_for(name)
    if family is not None and family.series:
        return family.series
    return split_title_period(name)[0] or None
