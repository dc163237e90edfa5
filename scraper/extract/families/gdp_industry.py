"""GDP by Industry (quarterly on its own until 2021; since then inside the GDP third or
updated estimate, whose title the ``gdp`` family reads, with the same sector sentences).

Real value added by sector ("Private goods-producing industries decreased 34.4 percent,
...") and the real GDP change the release restates ("16 of 22 industry groups contributed
to the overall 3.1 percent increase in real GDP in the first quarter").
"""

from __future__ import annotations

import logging
import re

from scraper.extract.base import COMMON_ESTIMATES, Family, FamilyResult, make, read_estimate
from scraper.extract.families.gdp import ESTIMATES, SAAR, parse_value_added
from scraper.extract.numbers import NUM, clean_text, percent_change
from scraper.extract.page import ReleasePage
from scraper.extract.periods import period_from_text

logger = logging.getLogger(__name__)

_CONTRIBUTED_RE = re.compile(rf"contributed to the (?:overall )?(?P<num>{NUM}) percent "
                             rf"(?P<dir>increase|decrease|decline) in (?:[\w-]+ )?real GDP", re.I)
_STATED_RE = re.compile(r"according to the [\"“”]?(advance|second|third)[\"“”]? estimate", re.I)
_REAL_GDP_RE = re.compile(r"real gross domestic product(?: \(GDP\))? (?:increased|decreased)"
                          r"(?:[^.]|\.\d)*", re.I)


def extract(page: ReleasePage, title: str) -> FamilyResult:
    """Real value added by sector and the real GDP change of a GDP-by-industry release."""
    text = clean_text(page.text())
    period = period_from_text(title) or period_from_text(text[:400])
    stated = _STATED_RE.search(text)
    estimate = stated.group(1).lower() if stated else read_estimate(title, None,
                                                                    ESTIMATES + COMMON_ESTIMATES)
    result = FamilyResult(expected=("real_gdp",))
    m = _REAL_GDP_RE.search(text)
    value = percent_change(m.group(0)) if m else None
    if value is None and (c := _CONTRIBUTED_RE.search(text)):
        value = float(c["num"]) * (1 if c["dir"].lower() == "increase" else -1)
    result.add(make("real_gdp", None, period, estimate, value, SAAR))
    parse_value_added(text, period, estimate, result)
    return result


FAMILY = Family(
    name="gdp_industry",
    title=re.compile(r"^(gdp|gross domestic product) by industry\b", re.I),
    url=re.compile(r"/(gdp|gross-domestic-product)-industry"),
    extract=extract,
)
