"""The parts of a release page that extractors read, pulled out once per page.

``read_page`` turns HTML into a ``ReleasePage``: title, the embargo (date) line, the
release-number cell, and the body as cleaned paragraph texts plus table rows. Every
extractor then works on plain strings, so it is testable on a feed description or a saved
lead as well as on a page.

parsel (lxml) does the work on the hot path: one XPath pass finds the page's landmarks,
then the body's paragraphs are read from the lxml elements parsel wraps. When BEA's layout
changes and the headline paragraph is not where it used to be, a BeautifulSoup
(html.parser) pass over the whole document finds the paragraphs instead: slower, but
tolerant of whatever markup it meets.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lxml import etree
from parsel import Selector

from scraper.extract.numbers import clean_text

logger = logging.getLogger(__name__)

Row = tuple[str, ...]
Table = tuple[Row, ...]

# One pass over the document for every landmark the generic fields need.
_LANDMARKS_XPATH = (
    "//div[contains(@class,'field--name-field-release-date')]"
    " | //div[contains(@class,'release-embargo')]"
    " | //div[contains(@class,'release-body')]"
    "//div[contains(concat(' ',normalize-space(@class),' '),' field--name-body ')]"
)
_BLOCKS_XPATH = ".//p | .//li[not(.//li)] | .//h3"
_TITLE_SUFFIX = re.compile(r"\s*\|\s*U\.S\. Bureau of Economic Analysis.*$", re.I)
_LEAD_HINT = re.compile(r"according to|released today|Bureau of Economic Analysis", re.I)
_XML_DECL = re.compile(rb"\s*<\?xml[^>]*\?>", re.I)


@dataclass
class ReleasePage:
    """Plain-text view of one release page."""

    title: str | None = None
    date_line: str | None = None
    number_text: str | None = None
    paragraphs: tuple[str, ...] = ()
    table_rows: tuple[Table, ...] | None = None
    data: bytes = b""
    body: Any = None
    problems: list[str] = field(default_factory=list)

    def text(self) -> str:
        """All body paragraphs as one string (for searches across paragraphs)."""
        return " ".join(self.paragraphs)

    @cached_property
    def tables(self) -> tuple[Table, ...]:
        """Rows of the body's tables, read only when an extractor asks for them."""
        if self.table_rows is None:
            self.table_rows = _parse_tables(self.body) if self.body is not None else ()
        return self.table_rows

    @cached_property
    def raw(self) -> str:
        """The whole document as text, decoded only when a fallback needs it."""
        return decode_html(self.data)


def decode_html(html: str | bytes) -> str:
    """Bytes -> text: UTF-8 (BEA's charset), else cp1252, never raising."""
    if isinstance(html, str):
        return html
    data = html.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _el_text(el: Any) -> str:
    """Text of an lxml element (C-level; ~10x cheaper than a ``string()`` XPath call)."""
    return clean_text(etree.tostring(el, method="text", encoding=str, with_tail=False))


_LOCAL = threading.local()


def _selector(data: bytes) -> Selector:
    """A parsel Selector over ``data``, built on a per-thread reusable lxml HTML parser."""
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = etree.HTMLParser(recover=True, encoding="utf-8")
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:  # lxml gives up on some junk; parsel's own path is more forgiving
        return Selector(body=data, encoding="utf-8", type="html")
    return Selector(root=root, type="html")


def _parse_tables(body: Any) -> tuple[Table, ...]:
    tables = []
    for table in body.iter("table"):
        rows = (
            tuple(_el_text(cell) for cell in tr.iterchildren("th", "td"))
            for tr in table.iter("tr")
        )
        tables.append(tuple(r for r in rows if any(r)))
    return tuple(tables)


def _blocks(body: Any) -> tuple[str, ...]:
    texts = (_el_text(el) for el in body.xpath(_BLOCKS_XPATH))
    return tuple(t for t in texts if t)


def _fallback_blocks(raw: str) -> tuple[tuple[str, ...], tuple[Table, ...]]:
    """Paragraphs and tables from the whole document, via BeautifulSoup's html.parser."""
    from bs4 import BeautifulSoup  # only paid for when the layout changed

    soup = BeautifulSoup(raw, "html.parser")
    for junk in soup(["script", "style", "nav", "header", "footer", "noscript"]):
        junk.decompose()
    blocks = []
    for el in soup.find_all(["p", "li", "h3"]):
        if el.name == "li" and el.find("li"):
            continue
        text = clean_text(el.get_text(" "))
        if text:
            blocks.append(text)
    tables = []
    for table in soup.find_all("table"):
        rows = (
            tuple(clean_text(c.get_text(" ")) for c in tr.find_all(["th", "td"]))
            for tr in table.find_all("tr")
        )
        tables.append(tuple(r for r in rows if any(r)))
    return tuple(blocks), tuple(tables)


def _landmarks_near(h1: Any, page: ReleasePage) -> Any:
    """BEA's layout: embargo row, then the title <h1>, then the row holding the body.

    Reading them relative to the <h1> avoids scanning every <div> of the document.
    """
    embargo = h1.xpath("preceding-sibling::div[contains(@class,'release-embargo')][1]")
    if embargo:
        page.number_text = _el_text(embargo[0]) or None
        date = embargo[0].xpath(".//div[contains(@class,'field--name-field-release-date')]")
        page.date_line = _el_text(date[0]) if date else None
    body = h1.xpath("following-sibling::div[1]//div[contains(@class,'field--name-body')]")
    return body[0] if body else None


def _landmarks_anywhere(sel: Selector, page: ReleasePage) -> Any:
    """The same landmarks found by scanning the whole document (slower, layout-proof)."""
    body = None
    for el in (s.root for s in sel.xpath(_LANDMARKS_XPATH)):
        classes = el.get("class") or ""
        if "field--name-field-release-date" in classes and page.date_line is None:
            page.date_line = _el_text(el) or None
        elif "release-embargo" in classes and page.number_text is None:
            page.number_text = _el_text(el) or None
        elif "field--name-body" in classes and body is None:
            body = el
    return body


def _read_landmarks(sel: Selector, page: ReleasePage) -> Any:
    """Fill title, date line and number cell; return the body element (or None)."""
    h1, head_title = None, None
    for el in sel.root.xpath("//h1 | //title"):
        text = _el_text(el)
        if el.tag == "title":
            head_title = head_title or _TITLE_SUFFIX.sub("", text) or None
        elif h1 is None and text and text.lower() != "news release":
            h1, page.title = el, text
    page.title = page.title or head_title
    body = _landmarks_near(h1, page) if h1 is not None else None
    if body is None or page.date_line is None:
        body = _landmarks_anywhere(sel, page) if body is None else body
        if page.date_line is None:
            _landmarks_anywhere(sel, page)
    return body


def _strip_xml_declaration(data: bytes) -> bytes:
    """Drop a leading <?xml ...?> (lxml's HTML parser and bs4 both trip over it)."""
    m = _XML_DECL.match(data)
    return data[m.end():] if m else data


def read_page(html: str | bytes) -> ReleasePage:
    """Parse ``html`` into a ReleasePage; never raises on junk (returns what it found)."""
    data = html.encode("utf-8", "replace") if isinstance(html, str) else bytes(html)
    page = ReleasePage(data=data)
    if b"<" not in data:
        page.problems.append("not HTML: no markup found")
        return page
    sel = _selector(_strip_xml_declaration(data) or b"<html/>")
    body = _read_landmarks(sel, page)
    if body is not None:
        page.paragraphs = _blocks(body)
        page.body = body
    if not any(_LEAD_HINT.search(p) for p in page.paragraphs[:6]):
        where = "in the release body" if body is not None else "(release body container missing)"
        page.problems.append(f"headline paragraph not found {where}; searched the whole page")
        text = decode_html(_strip_xml_declaration(data))
        page.paragraphs, page.table_rows = _fallback_blocks(text)
    return page
