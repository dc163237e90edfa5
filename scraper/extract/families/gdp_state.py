"""GDP by State (quarterly and annual; since 2022 with Personal Income by State).

Yields the U.S. figure the release states, the range across states (highest and lowest,
the state in the label) and how many states grew or shrank, for real GDP, current-dollar
GDP and personal income. Quarterly rates are at annual rates even where the sentence
leaves "at an annual rate" out.
"""

from __future__ import annotations

import logging
import re

from scraper.extract.base import Family, FamilyResult
from scraper.extract.page import ReleasePage
from scraper.extract.periods import title_periods
from scraper.extract.regional import Reader, Subject

logger = logging.getLogger(__name__)

SUBJECTS = (
    Subject("state_gdp_current", re.compile(r"current-?\s?dollar (?:gross domestic product|"
                                            r"GDP)", re.I)),
    Subject("state_personal_income", re.compile(r"personal income", re.I)),
    Subject("state_real_gdp", re.compile(r"\breal\b.{0,30}(?:gross domestic product|GDP)",
                                         re.I)),
)


def allowed_periods(title: str) -> tuple[str | None, frozenset[str]]:
    """(headline period, every period the title names incl. bare years)."""
    periods = title_periods(title)
    years = re.findall(r"\b(?:19|20)\d{2}\b", title)
    return (periods[-1] if periods else None), frozenset((*periods, *years))


def extract(page: ReleasePage, title: str) -> FamilyResult:
    """U.S. real GDP, ranges and counts across states."""
    text = "\n\n".join(page.paragraphs)
    headline, allowed = allowed_periods(title)
    result = FamilyResult(expected=("state_real_gdp_high", "state_real_gdp_low"))
    if headline is None:
        result.problems.append("reference period not found in the title")
    reader = Reader(result, headline, allowed)
    reader.ranges_and_counts(text, SUBJECTS)
    reader.total("state_real_gdp_us", text, r"real GDP for the nation")
    return result


FAMILY = Family(
    name="gdp_state",
    title=re.compile(r"^(real )?(gdp|gross domestic product) by state\b", re.I),
    url=re.compile(r"/(gdp|gross-domestic-product)-state"),
    extract=extract,
)
