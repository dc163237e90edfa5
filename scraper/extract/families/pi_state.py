"""Personal Income by State (quarterly and annual, on its own before 2022).

The U.S. total ("State personal income increased 59.7 percent at an annual rate ... after
decreasing 3.9 percent"), with its prior period, and the range across states.
"""

from __future__ import annotations

import logging
import re

from scraper.extract.base import Family, FamilyResult
from scraper.extract.families.gdp_state import allowed_periods
from scraper.extract.page import ReleasePage
from scraper.extract.regional import Reader, Subject

logger = logging.getLogger(__name__)

SUBJECTS = (Subject("state_personal_income", re.compile(r"personal income", re.I)),)


def extract(page: ReleasePage, title: str) -> FamilyResult:
    """U.S. personal income change and the range across states."""
    text = "\n\n".join(page.paragraphs)
    headline, allowed = allowed_periods(title)
    result = FamilyResult(expected=("state_personal_income_high", "state_personal_income_low"))
    if headline is None:
        result.problems.append("reference period not found in the title")
    reader = Reader(result, headline, allowed)
    reader.ranges_and_counts(text, SUBJECTS)
    reader.total("state_personal_income_us", text, r"State personal income")
    return result


FAMILY = Family(
    name="pi_state",
    title=re.compile(r"^(state (annual |quarterly )?personal income\b|personal income by state"
                     r"\b(?!.*metropolitan))", re.I),
    url=re.compile(r"/(state-)?personal-income-(by-)?state"),
    extract=extract,
)
