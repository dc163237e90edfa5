"""GDP by Industry (quarterly on its own until 2021, since then inside the GDP third
estimate, whose title the ``gdp`` family reads).

No BEA wording of its headline is in the test corpus yet, so this family extracts nothing and
says so: its records are ``partial`` with "no headline figures found", never ``ok``.
"""

from __future__ import annotations

import logging
import re

from scraper.extract.base import Family, FamilyResult
from scraper.extract.page import ReleasePage

logger = logging.getLogger(__name__)


def extract(page: ReleasePage, title: str) -> FamilyResult:
    return FamilyResult()


FAMILY = Family(
    name="gdp_industry",
    title=re.compile(r"^(gdp|gross domestic product) by industry\b", re.I),
    url=re.compile(r"/(gdp|gross-domestic-product)-industry"),
    extract=extract,
)
