"""U.S. International Investment Position (quarterly, when released on its own).

The position is given signed ("The U.S. net international investment position ... was
-$26.16 trillion"); the sentence reader is the one the transactions release uses.
"""

from __future__ import annotations

import logging
import re

from scraper.extract.base import Family, FamilyResult, FeedMap, read_estimate
from scraper.extract.families.ita import parse_niip
from scraper.extract.numbers import clean_text
from scraper.extract.page import ReleasePage
from scraper.extract.periods import period_from_text

logger = logging.getLogger(__name__)


def extract(page: ReleasePage, title: str) -> FamilyResult:
    """The net international investment position at the end of the quarter."""
    text = clean_text(page.text())
    period = period_from_text(title) or period_from_text(text[:600])
    result = FamilyResult(expected=("niip",))
    if period is None:
        result.problems.append("reference quarter not found in the title or lead")
    result.add(parse_niip(text, period, read_estimate(title)))
    return result


FAMILY = Family(
    name="iip",
    title=re.compile(r"^u\.?s\.? international investment position\b", re.I),
    url=re.compile(r"/us-international-investment-position-"),
    extract=extract,
    feed=FeedMap(main=("niip", "usd_trillions", "percentChange")),
)
