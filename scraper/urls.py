"""Predict a release page's URL from its title, the way bea.gov (Drupal pathauto) builds it.

BEA's release pages live at ``/news/<year>/<slug>``. The slug is the title lowercased,
"U.S." -> "us", punctuation dropped, pathauto's default "ignore words" dropped (a, an, as,
at, by, for, from, in, into, of, on, the, to, with, ...; "and" is kept), words joined with
"-", and the alias "news/<year>/<slug>" cut at a word boundary to 100 characters.
Measured on the saved feed (tests/unit/scraper/test_scraper_urls.py): 40 of the 42 items
published since 2019 (39 without the length cut); the two misses are a slug BEA wrote by
hand ("state-personal-income-third-quarter-2019") and a truncated slug kept from an older
title.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

# Drupal pathauto's default ignore_words.
STOP_WORDS = frozenset(
    "a an as at before but by for from is in into like of off on onto per since than the "
    "this that to up via with".split()
)
MAX_ALIAS_LENGTH = 100
_DROP = re.compile(r"[.'\u2019]")  # "U.S." -> "US", "BEA's" -> "BEAs"
_SEPARATORS = re.compile(r"[^a-z0-9]+")
_NEWS_PATH = re.compile(r"/news/(\d{4})/([^/?#]+)/?$")


def release_slug(title: str, year: int | None = None) -> str:
    """The slug BEA would give ``title`` (truncated as pathauto does when ``year`` is given)."""
    words = _SEPARATORS.split(_DROP.sub("", title.lower()))
    slug = "-".join(w for w in words if w and w not in STOP_WORDS)
    if year is None:
        return slug
    room = MAX_ALIAS_LENGTH - len(f"news/{year}/")
    if len(slug) <= room:
        return slug
    cut = slug[: room + 1]
    return cut[: cut.rfind("-")] if "-" in cut else cut[:room]


def predict_release_url(title: str, base_url: str, year: int) -> str | None:
    """``{base_url}/news/{year}/{slug}`` for a release titled ``title``, or None if empty."""
    slug = release_slug(title or "", year)
    if not slug:
        return None
    return f"{base_url.rstrip('/')}/news/{year}/{slug}"


def slug_matches(title: str, url: str) -> bool:
    """True if ``url`` is the /news/<year>/<slug> page BEA's rule gives for ``title``."""
    m = _NEWS_PATH.search(urlsplit(url if "//" in url else "//" + url).path)
    return m is not None and m.group(2) == release_slug(title or "", int(m.group(1)))
