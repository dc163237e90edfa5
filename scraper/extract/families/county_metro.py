"""GDP and Personal Income by County and Metropolitan Area (annual).

Counts of counties that grew, shrank or held, and the highest and lowest county (in the
label); personal income also for the metropolitan and nonmetropolitan portions.
"""

from __future__ import annotations

import logging
import re

from scraper.extract.base import Family, FamilyResult
from scraper.extract.families.gdp_state import allowed_periods
from scraper.extract.page import ReleasePage
from scraper.extract.regional import Reader, Subject, sentences

logger = logging.getLogger(__name__)

SUBJECTS = (
    Subject("nonmetro_county_personal_income", re.compile(r"nonmetropolitan counties", re.I)),
    Subject("metro_county_personal_income", re.compile(r"\bmetropolitan counties", re.I)),
    Subject("county_personal_income", re.compile(r"personal income", re.I)),
    Subject("county_real_gdp", re.compile(r"\breal\b.{0,30}(?:gross domestic product|GDP)",
                                          re.I)),
)
_PORTION_RE = re.compile(r"(?P<verb>increased|decreased) (?P<num>\d+(?:\.\d+)?) percent in the "
                         r"(?P<which>metropolitan|nonmetropolitan) portion", re.I)


def extract(page: ReleasePage, title: str) -> FamilyResult:
    """County counts and ranges; metropolitan portions of personal income."""
    text = "\n\n".join(page.paragraphs)
    headline, allowed = allowed_periods(title)
    gdp = bool(re.search(r"gross domestic product|\bGDP\b", title, re.I))
    expected = ("county_real_gdp_high", "county_real_gdp_low") if gdp else (
        "county_personal_income_increased_count",)
    result = FamilyResult(expected=expected)
    if headline is None:
        result.problems.append("reference period not found in the title")
    reader = Reader(result, headline, allowed)
    reader.ranges_and_counts(text, SUBJECTS)
    for sentence in sentences(text):
        for m in _PORTION_RE.finditer(sentence):
            sign = -1.0 if m["verb"].lower() == "decreased" else 1.0
            key = "metro_personal_income" if m["which"].lower() == "metropolitan" else \
                "nonmetro_personal_income"
            reader.add(key, reader.period(sentence), sign * float(m["num"]))
    return result


FAMILY = Family(
    name="county_metro",
    title=re.compile(r"^(real )?(gdp|gross domestic product|personal income|local area personal "
                     r"income)\b.{0,60}\b(by|for) county|^personal income by county", re.I),
    url=re.compile(r"-county"),
    extract=extract,
)
