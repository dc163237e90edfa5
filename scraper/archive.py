"""BEA's news archive listing (``/news/archive``): which releases exist, page by page.

The listing is a Drupal view filtered by product and paginated 20 rows a page, newest
first: ``/news/archive?created_1=All&field_related_product_target_id=451&title=&page=N``
(``page`` zero-based; 451 = Gross Domestic Product, 476 = Personal Income and Outlays).
Each row is ``<tr class="release-row">`` with the release link and a ``<time datetime>``;
the pager's ``rel="next"`` link (a relative query string) leads to the next page.

:func:`parse_archive` is pure (text + URL in, a record out). A listing whose layout changed
raises :class:`ArchiveLayoutError` naming what is missing, instead of returning the rows
it could read: a backfill must not crawl half a listing and call it the history.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from parsel import Selector

from scraper.errors import ArchiveLayoutError

logger = logging.getLogger(__name__)

ARCHIVE_PATH = "/news/archive"
ROWS_PER_PAGE = 20


@dataclass(frozen=True)
class ArchiveProduct:
    """A product filter of the archive: BEA's taxonomy id and the names users type."""

    key: str
    product_id: int
    name: str
    aliases: tuple[str, ...]


#: The products whose releases the extractors read (ids from BEA's filter <select>).
PRODUCTS: tuple[ArchiveProduct, ...] = (
    ArchiveProduct("gdp", 451, "Gross Domestic Product",
                   ("gdp", "gross domestic product")),
    ArchiveProduct("pio", 476, "Personal Income and Outlays",
                   ("pio", "personal income", "personal income and outlays")),
)


@dataclass(frozen=True)
class ArchiveEntry:
    """One row of the listing: a release page and when BEA published it."""

    title: str
    url: str
    published: datetime

    def to_json(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url, "published": self.published.isoformat()}


@dataclass(frozen=True)
class ArchivePage:
    """One listing page: its rows (newest first), the next page's URL, the last page's
    number (from the pager; None on the last page)."""

    url: str
    entries: tuple[ArchiveEntry, ...]
    next_url: str | None
    last_page: int | None


def product_for(series: str) -> ArchiveProduct | None:
    """The archive product a ``--series`` text names (case-insensitive), or None."""
    wanted = " ".join(series.casefold().split())
    for product in PRODUCTS:
        if wanted == product.key or wanted in product.aliases:
            return product
    return None


def archive_url(base_url: str, product_id: int, page: int = 0) -> str:
    """The listing URL the way BEA's own pager writes it."""
    query = {"created_1": "All", "field_related_product_target_id": str(product_id),
             "title": "", "page": str(page)}
    return f"{base_url.rstrip('/')}{ARCHIVE_PATH}?{urlencode(query)}"


def page_number(url: str) -> int:
    """The zero-based ``page`` of a listing URL (0 when absent)."""
    values = parse_qs(urlsplit(url).query).get("page", ["0"])
    return int(values[0]) if values[0].isdigit() else 0


def parse_archive(text: str | bytes, url: str) -> ArchivePage:
    """Rows and pager of one listing page; :class:`ArchiveLayoutError` if the layout changed."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    selector = Selector(text=text)
    table = selector.css("div.view-content table")
    if not table:
        if selector.css("div.view-empty"):
            return ArchivePage(url, (), None, None)
        raise ArchiveLayoutError("no listing table (div.view-content table)", url)
    rows = table.css("tbody tr")
    if not rows:
        raise ArchiveLayoutError("the listing table has no rows", url)
    entries = tuple(_entry(row, index, url) for index, row in enumerate(rows, start=1))
    return ArchivePage(url, entries, _pager_link(selector, "next", url), _last_page(selector, url))


def _entry(row: Selector, index: int, url: str) -> ArchiveEntry:
    if "release-row" not in (row.attrib.get("class") or "").split():
        raise ArchiveLayoutError(f"row {index} is not a release-row", url)
    link = row.css("td.views-field-title a")
    href = link.attrib.get("href") if link else None
    title = " ".join(" ".join(link.css("::text").getall()).split()) if link else ""
    stamp = row.css("td.views-field-created time::attr(datetime)").get()
    if not href or not title:
        raise ArchiveLayoutError(f"row {index} has no release link", url)
    if not stamp:
        raise ArchiveLayoutError(f"row {index} ({title!r}) has no <time datetime>", url)
    try:
        published = datetime.fromisoformat(stamp)
    except ValueError:
        raise ArchiveLayoutError(f"row {index} has an unreadable date {stamp!r}", url) from None
    if published.tzinfo is None:
        raise ArchiveLayoutError(f"row {index} has a date without an offset {stamp!r}", url)
    return ArchiveEntry(title, urljoin(url, href), published)


def _pager_link(selector: Selector, rel: str, url: str) -> str | None:
    href = selector.css(f"nav.pager-nav a[rel={rel}]::attr(href)").get()
    return urljoin(url, href) if href else None


def _last_page(selector: Selector, url: str) -> int | None:
    last = _pager_link(selector, "last", url)
    return page_number(last) if last else None
