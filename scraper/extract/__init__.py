"""Pure release-page extraction: HTML text + URL in, ``ReleaseRecord`` out.

``extract_release`` reads the page once (``page.read_page``), takes the fields every
release has (``generic``), then the headline figures of its family (``gdp``, ``pio``,
``trade``, ``ita``), chosen from the title or, failing that, the URL. No network, no
database, no clock; junk input gives a record with ``extraction="failed"``, never an error.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from db.records import (
    EXTRACTION_FAILED,
    EXTRACTION_OK,
    EXTRACTION_PARTIAL,
    FigureRecord,
    ReleaseRecord,
)
from scraper.extract.base import FamilyResult
from scraper.extract.families import gdp, ita, pio, trade
from scraper.extract.families.generic import GenericFields, extract_generic
from scraper.extract.page import ReleasePage, read_page
from scraper.extract.titles import (
    FAMILY_GDP,
    FAMILY_ITA,
    FAMILY_PIO,
    FAMILY_TRADE,
    canonical_series,
    family_of,
)

__all__ = ["extract_release", "figures_from_text"]

logger = logging.getLogger(__name__)

FamilyExtractor = Callable[[ReleasePage, str], FamilyResult]
FAMILIES: dict[str, FamilyExtractor] = {
    FAMILY_GDP: gdp.extract,
    FAMILY_PIO: pio.extract,
    FAMILY_TRADE: trade.extract,
    FAMILY_ITA: ita.extract,
}


def _run_family(page: ReleasePage, title: str, url: str | None) -> FamilyResult | None:
    family = family_of(title, url)
    if family is None:
        return None
    try:
        return FAMILIES[family](page, title)
    except Exception as exc:  # a bug on odd input must not lose the release metadata
        logger.warning("%s extractor failed on %s", family, url, exc_info=True)
        return FamilyResult(problems=[f"{family} extractor error: {exc!r}"])


def _status(fields: GenericFields, result: FamilyResult | None) -> tuple[str, list[str]]:
    """ok / partial / failed, plus the problems that explain a partial or failed result."""
    problems = list(fields.problems)
    figures = result.figures if result else []
    if result is not None:
        problems += result.problems
        missing = result.missing()
        if missing:
            problems.append("headline figures not found: " + ", ".join(missing))
    if not fields.title or (fields.released_at is None and not figures):
        return EXTRACTION_FAILED, problems
    if result is not None and (result.missing() or result.problems):
        return EXTRACTION_PARTIAL, problems
    if fields.released_at is None or fields.lead is None:
        return EXTRACTION_PARTIAL, problems
    return EXTRACTION_OK, problems


def extract_release(html: str | bytes, url: str) -> ReleaseRecord:
    """Everything a BEA release page at ``url`` says, as a ReleaseRecord (never raises)."""
    try:
        page = read_page(html)
        fields = extract_generic(page)
        result = _run_family(page, fields.title or "", url)
    except Exception as exc:  # last line of defence: junk in, "failed" record out
        logger.warning("release extraction failed for %s", url, exc_info=True)
        return ReleaseRecord(url=url, title="", extraction=EXTRACTION_FAILED,
                             problems=(f"extraction error: {exc!r}",))
    status, problems = _status(fields, result)
    if status == EXTRACTION_OK and page.problems:
        # found only by searching the whole page: BEA changed its layout, so the figures
        # and lead are less certain than the container they came from promises
        status = EXTRACTION_PARTIAL
    page_problems = [p for p in page.problems if p not in problems]
    if status == EXTRACTION_FAILED:
        page_problems.insert(0, "not a BEA release page (no title or release date)")
    return ReleaseRecord(
        url=url,
        title=fields.title or "",
        released_at=fields.released_at,
        release_number=fields.release_number,
        lead=fields.lead,
        next_release=fields.next_release,
        figures=tuple(result.figures) if result else (),
        series=canonical_series(fields.title) if fields.title else None,
        extraction=status,
        problems=tuple(page_problems + problems),
    )


def figures_from_text(title: str, text: str, url: str | None = None) -> tuple[FigureRecord, ...]:
    """Headline figures from plain release text (a feed description, a saved lead)."""
    paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n|</p>\s*<p>", text) if p.strip())
    result = _run_family(ReleasePage(title=title, paragraphs=paragraphs), title, url)
    return tuple(result.figures) if result else ()
