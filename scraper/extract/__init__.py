"""Pure release-page extraction: HTML text + URL in, ``ReleaseRecord`` out.

``extract_release`` reads the page once (``page.read_page``), takes the fields every
release has (``generic``), then the headline figures of its family (the registry in
``families``), chosen from the title or, failing that, the URL. No network, no database,
no clock; junk input gives a record with ``extraction="failed"``, never an error. A record
is never ``ok`` without figures: an unknown family, or a family that found nothing it
expected, makes it ``partial`` with a problem that says what is missing.
"""

from __future__ import annotations

import logging
import re

from db.records import (
    EXTRACTION_FAILED,
    EXTRACTION_OK,
    EXTRACTION_PARTIAL,
    FigureRecord,
    ReleaseRecord,
)
from scraper.extract.base import FamilyResult
from scraper.extract.families import family_for
from scraper.extract.generic import GenericFields, extract_generic
from scraper.extract.page import ReleasePage, read_page
from scraper.extract.titles import canonical_series

__all__ = ["extract_release", "figures_from_text", "NO_EXTRACTOR"]

logger = logging.getLogger(__name__)

NO_EXTRACTOR = "no extractor for this release family: headline figures not extracted"
NO_FIGURES = "no headline figures found"


def _run_family(page: ReleasePage, title: str, url: str | None) -> FamilyResult | None:
    family = family_for(title, url)
    if family is None:
        return None
    try:
        return family.extract(page, title)
    except Exception as exc:  # a bug on odd input must not lose the release metadata
        logger.warning("%s extractor failed on %s", family.name, url, exc_info=True)
        return FamilyResult(problems=[f"{family.name} extractor error: {exc!r}"])


def _family_problems(result: FamilyResult | None) -> list[str]:
    """What the family step leaves out: empty when its headline figures are all there."""
    if result is None:
        return [NO_EXTRACTOR]
    problems = list(result.problems)
    missing = result.missing()
    if missing:
        problems.append("headline figures not found: " + ", ".join(missing))
    elif not result.figures:
        problems.append(NO_FIGURES)
    return problems


def _status(fields: GenericFields, result: FamilyResult | None) -> tuple[str, list[str]]:
    """ok / partial / failed, plus the problems that explain a partial or failed result."""
    figures = result.figures if result else []
    family_problems = _family_problems(result) if fields.title else []
    problems = list(fields.problems) + family_problems
    if not fields.title or (fields.released_at is None and not figures):
        return EXTRACTION_FAILED, problems
    if family_problems:
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
        figures=result.ordered() if result else (),
        series=canonical_series(fields.title) if fields.title else None,
        extraction=status,
        problems=tuple(page_problems + problems),
    )


def figures_from_text(title: str, text: str, url: str | None = None) -> tuple[FigureRecord, ...]:
    """Headline figures from plain release text (a feed description, a saved lead)."""
    paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n|</p>\s*<p>", text) if p.strip())
    result = _run_family(ReleasePage(title=title, paragraphs=paragraphs), title, url)
    return result.ordered() if result else ()


def extract_text(title: str, text: str, url: str = "") -> ReleaseRecord:
    """A ReleaseRecord from plain release text (the body of a BEA e-mail, a saved lead):
    title as given, figures and problems as for a page, no release time."""
    paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())
    result = _run_family(ReleasePage(title=title, paragraphs=paragraphs), title, url or None)
    problems = _family_problems(result)
    status = EXTRACTION_PARTIAL if problems else EXTRACTION_OK
    if result is None or not result.figures:
        status = EXTRACTION_FAILED if not paragraphs else EXTRACTION_PARTIAL
    return ReleaseRecord(url=url, title=title, lead=paragraphs[0] if paragraphs else None,
                         figures=result.ordered() if result else (),
                         series=canonical_series(title), extraction=status,
                         problems=tuple(problems))
