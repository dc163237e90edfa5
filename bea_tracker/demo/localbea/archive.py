"""BEA's news archive on the local BEA: the real listing captures plus synthetic pages.

Served at ``/news/archive?...field_related_product_target_id=ID&...&page=N`` for the two
products the captures cover (451 GDP, 476 PIO). Page 0 of each product (and PIO page 5)
is the real capture, byte for byte. Every other page is *synthetic*: the page-0 template
with regenerated rows and pager, continuing BEA's calendar backwards (GDP: advance,
second, third estimate each quarter; PIO: one release a month), each synthetic URL ending
in ``-synthetic``. PIO's synthetic pages 1-4 leave out February 2018 so that 80 rows fit
between the real pages 0 and 5.

Release pages for the listed URLs (other than the real GDP advance page the site already
serves) are synthetic too: a real page (GDP advance Q2 2026, PIO July 2026) with its
title, date, reference period and headline numbers replaced, marked by an HTML comment.
Their numbers are made up, deterministic per period, and consistent across releases (each
GDP release restates the prior quarter's third estimate), so vintages can be tested.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from bea_tracker.demo.localbea import data
from scraper.archive import ROWS_PER_PAGE, ArchiveEntry, parse_archive
from scraper.extract.periods import period_from_text, previous_period
from scraper.extract.titles import estimate_from_title

EASTERN = ZoneInfo("America/New_York")
GDP_ID, PIO_ID = 451, 476
_CAPTURES = {  # (product, page) -> bundled capture
    (GDP_ID, 0): "archive-gdp-page0-2026-09-14.html",
    (PIO_ID, 0): "archive-pio-page0-2026-09-14.html",
    (PIO_ID, 5): "archive-pio-page5-2026-09-14.html",
}
LAST_PAGE = {GDP_ID: 17, PIO_ID: 18}  # as the captures' pagers say
_TBODY = re.compile(r"(<tbody>\n)(.*?)(    </tbody>)", re.DOTALL)
_PAGER = re.compile(r'(<ul class="pagination js-pager__items">)(.*?)(</ul>)', re.DOTALL)
_ORD = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}
_WORD = {1: "first", 2: "second", 3: "third", 4: "fourth"}
_MONTHS_OF = {1: "January, February, and March", 2: "April, May, and June",
              3: "July, August, and September", 4: "October, November, and December"}
MONTH_NAMES = ("January February March April May June July August September October "
               "November December").split()


@dataclass(frozen=True)
class Row:
    """One listing row: title, site path, publication time (Eastern)."""

    title: str
    path: str
    published: datetime


def _at(day: date) -> datetime:
    return datetime.combine(day, time(8, 30), EASTERN)


def _gdp_rows(before: int, count: int) -> list[Row]:
    """``count`` synthetic GDP rows, newest first, for quarters before ``before``
    (a quarter index year*4 + q-1), third estimate first."""
    rows: list[Row] = []
    index = before - 1
    while len(rows) < count:
        year, quarter = divmod(index, 4)
        quarter += 1
        first_month = quarter * 3 + 1  # the month after the quarter
        y, m = (year + 1, first_month - 12) if first_month > 12 else (year, first_month)
        for offset, name, day in ((2, "third", 26), (1, "second", 27), (0, "advance", 28)):
            my, mm = (y + 1, m + offset - 12) if m + offset > 12 else (y, m + offset)
            title = (f"Gross Domestic Product, {_ORD[quarter]} Quarter {year} "
                     f"({name.title()} Estimate)")
            path = (f"/news/{my}/gross-domestic-product-{_ORD[quarter]}-quarter-{year}-"
                    f"{name}-estimate-synthetic")
            rows.append(Row(title, path, _at(date(my, mm, day))))
        index -= 1
    return rows[:count]


def _pio_rows(year: int, month: int, count: int) -> list[Row]:
    """``count`` synthetic PIO rows, newest first, from ``year``-``month`` backwards."""
    rows: list[Row] = []
    while len(rows) < count:
        name = MONTH_NAMES[month - 1]
        py, pm = (year + 1, 1) if month == 12 else (year, month + 1)
        rows.append(Row(f"Personal Income and Outlays, {name} {year}",
                        f"/news/{py}/personal-income-and-outlays-{name.lower()}-{year}-synthetic",
                        _at(date(py, pm, 28))))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return rows


def _real_rows(name: str) -> list[Row]:
    page = parse_archive(data.load(name), data.BEA_BASE_URL + "/news/archive")
    return [Row(e.title, urlsplit(e.url).path, e.published) for e in page.entries]


class Archive:
    """Listing pages and synthetic release pages; ``broken`` replaces one listing page.

    Synthetic pages at ``-synthetic`` paths are always served. Rows of the real captures
    sit at BEA's real paths, some of which BEA's feed lists too: pages are made for them
    only with ``real_paths`` (off by default, so a feed poll on the local BEA still finds
    only the real captures).
    """

    def __init__(self, real_paths: bool = False) -> None:
        self.broken: dict[tuple[int, int], bytes] = {}
        self.real_paths = real_paths

    @cached_property
    def rows(self) -> dict[int, list[Row]]:
        """Every row of each product, newest first (page N = rows[20N:20N+20])."""
        gdp = _real_rows(_CAPTURES[(GDP_ID, 0)])
        gdp += _gdp_rows(2024 * 4 + 2, LAST_PAGE[GDP_ID] * ROWS_PER_PAGE)  # before 2024Q3 2nd
        pio = _real_rows(_CAPTURES[(PIO_ID, 0)])
        pio += _pio_rows(2024, 10, 4 * ROWS_PER_PAGE)  # Oct 2024 .. Mar 2018
        pio += _real_rows(_CAPTURES[(PIO_ID, 5)])
        pio += _pio_rows(2016, 5, (LAST_PAGE[PIO_ID] - 5) * ROWS_PER_PAGE - 5)
        return {GDP_ID: gdp, PIO_ID: pio}

    @cached_property
    def _by_path(self) -> dict[str, tuple[int, Row]]:
        return {row.path: (product, row) for product, rows in self.rows.items() for row in rows}

    def entries(self, product: int, base_url: str) -> list[ArchiveEntry]:
        """The rows as the tracker reads them (absolute URLs on ``base_url``)."""
        return [ArchiveEntry(r.title, base_url + r.path, r.published)
                for r in self.rows[product]]

    def listing(self, query: str) -> bytes | None:
        """The listing page a query asks for; None (404) for an unknown product or page."""
        params = parse_qs(query, keep_blank_values=True)
        product = _int(params.get("field_related_product_target_id"))
        page = _int(params.get("page")) or 0
        if product not in LAST_PAGE or page is None or not 0 <= page <= LAST_PAGE[product]:
            return None
        if (product, page) in self.broken:
            return self.broken[(product, page)]
        if (product, page) in _CAPTURES:
            return data.load(_CAPTURES[(product, page)])
        return self._synthetic_listing(product, page)

    def _synthetic_listing(self, product: int, page: int) -> bytes:
        template = data.load(_CAPTURES[(product, 0)]).decode("utf-8")
        rows = self.rows[product][page * ROWS_PER_PAGE:(page + 1) * ROWS_PER_PAGE]
        body = "".join(_row_html(r) for r in rows)
        text = _TBODY.sub(lambda m: m.group(1) + body + m.group(3), template, count=1)
        text = _PAGER.sub(lambda m: m.group(1) + _pager_html(product, page) + m.group(3),
                          text, count=1)
        marker = f"<!-- synthetic listing page {page} of product {product}, built by the " \
                 "local BEA from the real page-0 capture -->\n"
        return (marker + text).encode("utf-8")

    def release_page(self, path: str) -> bytes | None:
        """A synthetic release page for a listed path (None if the path is not listed)."""
        found = self._by_path.get(path)
        if found is None or not (self.real_paths or path.endswith("-synthetic")):
            return None
        product, row = found
        return (_gdp_page if product == GDP_ID else _pio_page)(row)


def _int(values: list[str] | None) -> int | None:
    return int(values[0]) if values and values[0].isdigit() else None


def _row_html(row: Row) -> str:
    day = row.published.astimezone(EASTERN)
    shown = f"{MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"
    return (
        '      <tr class="release-row">\n'
        '        <td headers="view-title-table-column" class="views-field views-field-title">'
        f'<a href="{row.path}" hreflang="en">{html.escape(row.title)}</a>        </td>\n'
        '        <td headers="view-created-table-column" class="views-field '
        f'views-field-created"><time datetime="{day.isoformat()}">{shown}</time>\n'
        "        </td>\n          </tr>\n")


def _pager_html(product: int, page: int) -> str:
    def link(n: int, rel: str, text: str) -> str:
        href = (f"?created_1=All&amp;field_related_product_target_id={product}&amp;title="
                f"&amp;page={n}")
        return f'<li class="pager__item"><a href="{href}" rel="{rel}">{text}</a></li>\n'

    parts = [link(0, "prev", "&lt;&lt; First"), link(page - 1, "prev", "&lt;&lt;")]
    if page < LAST_PAGE[product]:
        parts += [link(page + 1, "next", "&gt;&gt;"), link(LAST_PAGE[product], "last",
                                                          "Last &gt;&gt;")]
    return "\n" + "".join(parts)


# -- synthetic release pages --------------------------------------------------------------
def _number(key: str, low: float, high: float) -> float:
    """A made-up value in [low, high] with one decimal, the same for the same key."""
    steps = round((high - low) * 10)
    digest = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
    return round(low + (digest % (steps + 1)) / 10, 1)


def gdp_estimates(period: str) -> dict[str, float]:
    """Synthetic real GDP growth (SAAR) of one quarter at each estimate."""
    advance = _number(f"{period}:advance", -1.0, 4.0)
    second = round(advance + _number(f"{period}:second", -0.3, 0.3), 1)
    third = round(second + _number(f"{period}:third", -0.2, 0.2), 1)
    shift = round(2.1 - third, 1) if period == "2026Q1" else 0.0  # the real Q2 2026
    # advance page says Q1 grew 2.1 percent: end the synthetic Q1 path there
    return {"advance": round(advance + shift, 1), "second": round(second + shift, 1),
            "third": round(third + shift, 1)}


def gdp_value(period: str, estimate: str | None) -> float:
    """``estimate`` of ``period``; BEA's 2025 names (initial, updated) map onto them."""
    level = {"initial": "advance", "updated": "third", "revised": "third"}.get(
        estimate or "", estimate or "advance")
    return gdp_estimates(period).get(level, gdp_estimates(period)["third"])


def _moved(value: float) -> str:
    return f"{'increased' if value >= 0 else 'decreased'}"


def _replace(text: str, old: str, new: str) -> str:
    if old not in text:
        raise ValueError(f"template page lacks {old[:60]!r}")
    return text.replace(old, new)


def _dated(text: str, old: str, when: datetime) -> str:
    day = when.astimezone(EASTERN)
    zone = "EDT" if day.dst() else "EST"
    line = (f"EMBARGOED UNTIL RELEASE AT 8:30 a.m. {zone}, {day.strftime('%A')}, "
            f"{MONTH_NAMES[day.month - 1]} {day.day}, {day.year}")
    return _replace(text, old, line)


def _mark(text: str, row: Row, template: str) -> str:
    return _replace(text, "</head>", f"<!-- synthetic release page built by the local BEA "
                    f"from {template}: made-up figures for {html.escape(row.title)} -->\n"
                    "</head>")


def _gdp_page(row: Row) -> bytes:
    period = period_from_text(row.title) or "2026Q2"
    estimate = estimate_from_title(row.title) or "advance"
    prior = previous_period(period) or period
    year, quarter = int(period[:4]), int(period[-1])
    value = gdp_value(period, estimate)
    restated = gdp_value(prior, "third")
    if row.published.month == 9:  # September: the annual update revises the prior quarter
        restated = round(restated + 0.2, 1)
    word = re.search(r"\((\w+) Estimate\)", row.title)
    text = data.load(data.GDP_ADVANCE_FILE).decode("utf-8")
    text = _replace(text, "GDP (Advance Estimate), 2nd Quarter 2026", html.escape(row.title))
    text = _replace(text, data.GDP_ADVANCE_PATH, row.path)
    text = _dated(text, "EMBARGOED UNTIL RELEASE AT 8:30 a.m. EDT, Thursday, July 30, 2026",
                  row.published)
    text = _replace(
        text, "increased at an annual rate of 1.5 percent</a> in the second quarter of 2026 "
        "(April, May, and June), according to the advance estimate",
        f"{_moved(value)} at an annual rate of {abs(value)} percent</a> in the "
        f"{_WORD[quarter]} quarter of {year} ({_MONTHS_OF[quarter]}), according to the "
        f"{(word.group(1) if word else estimate).lower()} estimate")
    text = _replace(text, "In the first quarter, real GDP increased 2.1 percent.",
                    f"In the {_WORD[int(prior[-1])]} quarter, real GDP {_moved(restated)} "
                    f"{abs(restated)} percent.")
    text = _replace(text, '<th>Real GDP</th><td style="text-align:right;">1.5</td>',
                    f'<th>Real GDP</th><td style="text-align:right;">{value}</td>')
    text = _replace(text, "Real GDP increased at an annual rate of 1.5 percent (0.4 percent",
                    f"Real GDP {_moved(value)} at an annual rate of {abs(value)} percent (")
    text = re.sub(r'<p class="text-center">Next release:.*?</p>', "", text, count=1)
    return _mark(text, row, data.GDP_ADVANCE_FILE).encode("utf-8")


def pio_income(period: str) -> float:
    """Synthetic personal income change (percent, monthly rate) of one month."""
    return _number(f"{period}:personal_income", -0.3, 0.8)


def _pio_page(row: Row) -> bytes:
    period = period_from_text(row.title) or "2026-07"
    prior = previous_period(period) or period
    month, prior_month = MONTH_NAMES[int(period[5:7]) - 1], MONTH_NAMES[int(prior[5:7]) - 1]
    value = pio_income(period)
    restated = round(pio_income(prior) + (_number(f"{prior}:revision", -0.2, 0.2) or 0.1), 1)
    text = data.load(data.PIO_FILE).decode("utf-8")
    text = _replace(text, "Personal Income and Outlays, July 2026", html.escape(row.title))
    text = _replace(text, data.PIO_PATH, row.path)
    text = _dated(text, "EMBARGOED UNTIL RELEASE AT 8:30 a.m. EDT, Wednesday, August 26, 2026",
                  row.published)
    text = _replace(text, "(0.4 percent at a monthly rate) in July",
                    f"({abs(value)} percent at a monthly rate) in July")
    if value < 0:
        text = _replace(text, "<strong>Personal income</strong> increased",
                        "<strong>Personal income</strong> decreased")
    text = _replace(
        text, 'Current-dollar personal income</td><td class="text-right" style="text-align:'
        'right;"><span class="text-right" style="text-align:right;">0.2</span></td><td '
        'class="text-right" style="text-align:right;">0.4</td>',
        f'Current-dollar personal income</td><td class="text-right" style="text-align:right;">'
        f'<span class="text-right" style="text-align:right;">{restated}</span></td><td '
        f'class="text-right" style="text-align:right;">{value}</td>')
    text = text.replace(">June<", f">{prior_month}<").replace(">July<", f">{month}<")
    text = re.sub(r"\b(in|for|The) July\b", lambda m: f"{m.group(1)} {month}", text)
    text = re.sub(r'<p class="text-center">Next release:.*?</p>', "", text, count=1)
    return _mark(text, row, data.PIO_FILE).encode("utf-8")
