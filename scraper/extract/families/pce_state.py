"""Personal Consumption Expenditures by State (annual), and since 2024 the release on real
PCE by state and real personal income by state and metropolitan area."""

from __future__ import annotations

import logging
import re

from scraper.extract.base import Family, FamilyResult
from scraper.extract.families.gdp_state import allowed_periods
from scraper.extract.page import ReleasePage
from scraper.extract.regional import Reader, Subject

logger = logging.getLogger(__name__)

SUBJECTS = (
    Subject("state_real_pce", re.compile(r"\breal (?:PCE|personal consumption)", re.I)),
    Subject("state_real_personal_income", re.compile(r"\breal personal income", re.I)),
    Subject("state_pce", re.compile(r"\bPCE\b|personal consumption expenditures", re.I)),
)


def extract(page: ReleasePage, title: str) -> FamilyResult:
    """U.S. PCE change, the range across states, and the real measures where given."""
    text = "\n\n".join(page.paragraphs)
    headline, allowed = allowed_periods(title)
    real = title.lower().startswith("real")
    expected = ("state_real_pce_high", "state_real_pce_low") if real else (
        "state_pce_high", "state_pce_low")
    result = FamilyResult(expected=expected)
    if headline is None:
        result.problems.append("reference period not found in the title")
    reader = Reader(result, headline, allowed)
    reader.ranges_and_counts(text, SUBJECTS)
    reader.total("state_real_pce_us", text, r"Real PCE for the nation")
    reader.total("state_real_personal_income_us", text, r"Real personal income for the nation")
    if not real:
        reader.total("state_pce_us", text, r"State personal consumption expenditures(?: \(PCE\))?"
                     r"|Nationally, personal consumption expenditures(?: \(PCE\))?,? in current "
                     r"dollars,")
    return result


FAMILY = Family(
    name="pce_state",
    title=re.compile(r"^(real )?personal consumption expenditures by state\b", re.I),
    url=re.compile(r"/(real-)?personal-consumption-expenditures-state"),
    extract=extract,
)
