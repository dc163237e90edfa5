"""GDP for the U.S. territories (Puerto Rico, Guam, the Northern Mariana Islands, American
Samoa, the U.S. Virgin Islands): annual real GDP change, the territory in the label.

Some releases cover two years ("increased 16.7 percent in 2022 and 5.1 percent in 2021
after decreasing 29.1 percent in 2020"): each year is its own figure, the latest is the
headline. Releases in Spanish are not read (the figure is left out, the record partial).
"""

from __future__ import annotations

import logging
import re

from db import indicators
from scraper.extract.base import Family, FamilyResult, make
from scraper.extract.numbers import NUM, clean_text, to_float
from scraper.extract.page import ReleasePage
from scraper.extract.regional import change_with_prior

logger = logging.getLogger(__name__)

_PLACE_RE = re.compile(r"\bfor (?:the )?(?P<place>[A-Z][^,(]+?)(?:\s*\([A-Z]+\))?,", re.I)
_VERB = r"(?P<verb{i}>increased|decreased|grew|declined)?\s*"
_YEARS_RE = re.compile(
    rf"{_VERB.format(i=1)}(?P<a>{NUM}) percent in (?P<ya>\d{{4}}) and (?P<b>{NUM}) percent in "
    rf"(?P<yb>\d{{4}})", re.I)
_US_RE = re.compile(r"real GDP for the United States \(excluding the territories\)", re.I)


def _sign(verb: str | None) -> int:
    return -1 if verb and verb.lower() in ("decreased", "declined") else 1


def extract(page: ReleasePage, title: str) -> FamilyResult:
    """Real GDP change of the territory, and of the U.S. where the release compares."""
    text = clean_text(page.text())
    years = sorted(re.findall(r"\b(?:19|20)\d{2}\b", title))
    period = years[-1] if years else None
    place_m = _PLACE_RE.search(clean_text(title) + ",")
    place = place_m["place"].strip() if place_m else None
    result = FamilyResult(expected=("territory_real_gdp",))
    label = f"{indicators.label('territory_real_gdp')}: {place}" if place else None
    lead = re.search(r"real (?:gross domestic product|GDP)\b.*?(?=\.\s|$)", text, re.I)
    sentence = lead.group(0) if lead else ""
    two = _YEARS_RE.search(sentence)
    if two:  # "increased 16.7 percent in 2022 and 5.1 percent in 2021 after ..."
        sign = _sign(two["verb1"])
        for value, year in ((two["a"], two["ya"]), (two["b"], two["yb"])):
            result.add(make("territory_real_gdp", label, year, None, sign * to_float(value),
                            "percent"))
        found = change_with_prior(sentence[two.start():])
        if found and found[1] is not None:
            older = min(two["ya"], two["yb"])
            figure = next(f for f in result.figures if f.period == older)
            result.figures.remove(figure)
            result.add(make("territory_real_gdp", label, older, None, figure.value, "percent",
                            found[1], found[2] or str(int(older) - 1)))
    elif sentence:
        found = change_with_prior(sentence)
        if found:
            value, prior, prior_period = found
            result.add(make("territory_real_gdp", label, period, None, value, "percent", prior,
                            prior_period if prior is not None else None))
    us = _US_RE.search(text)
    if us:
        found = change_with_prior(text[us.end():us.end() + 200])
        if found:
            result.add(make("us_real_gdp_excl_territories", None, period, None, found[0],
                            "percent", found[1], found[2] if found[1] is not None else None))
    return result


FAMILY = Family(
    name="territories",
    title=re.compile(r"^(gdp|gross domestic product) for (the )?(puerto rico|guam|american samoa|"
                     r"(the )?u\.?s\.? virgin islands|commonwealth of the northern mariana|cnmi)"
                     r"|^producto interior bruto", re.I),
    url=re.compile(r"/(gdp|gross-domestic-product)-(for-)?(puerto|guam|american|us-virgin|"
                   r"commonwealth|cnmi)"),
    extract=extract,
)
