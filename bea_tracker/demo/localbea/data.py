"""The bundled real BEA captures (``bea_tracker/demo/data``) and where BEA serves them.

Loaded with :mod:`importlib.resources` so they work from a wheel as well as a checkout.
See ``demo/data/PROVENANCE.md`` for where each capture comes from and how exact it is.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from importlib import resources

logger = logging.getLogger(__name__)

BEA_BASE_URL = "https://www.bea.gov"

FEED_PATH = "/rss/rss.xml"
SCHEDULE_PATH = "/news/schedule"
SCHEDULE_ICS_PATH = "/news/schedule/ics/online-calendar-subscription.ics"
ARCHIVE_PATH = "/news/archive"
HOME_PATH = "/"

FEED_FILE = "rss-2026-09-13.xml"
SCHEDULE_HTML_FILE = "schedule-table-excerpt-2026-07-16.html"
SCHEDULE_ICS_FILE = "schedule-ics-2026-09-19-normalized.ics"
GDP_ADVANCE_FILE = "release-gdp-2026q2-advance.html"
ITA_FILE = "release-ita-2026q1-annual-update.html"
PIO_FILE = "release-pio-2026-07-ws-normalized.html"
HOME_FILE = "home-page-synthesized-html-around-2024-02-07-text.html"

GDP_ADVANCE_PATH = "/news/2026/gdp-advance-estimate-2nd-quarter-2026"
ITA_PATH = (
    "/news/2026/us-international-transactions-and-investment-position-"
    "1st-quarter-2026-and-annual-update"
)
PIO_PATH = "/news/2026/personal-income-and-outlays-july-2026"

#: The real release pages, at the paths BEA serves them under (their canonical links).
RELEASE_PAGES: dict[str, str] = {
    GDP_ADVANCE_PATH: GDP_ADVANCE_FILE,
    ITA_PATH: ITA_FILE,
    PIO_PATH: PIO_FILE,
}

CONTENT_TYPES: dict[str, str] = {
    "feed": "text/xml",
    "html": "text/html; charset=UTF-8",
    "ics": "text/calendar; charset=utf-8",
}

# Only absolute links to www.bea.gov are rewritten; the feed's scheme-less
# "www.bea.gov/news/..." links and apps.bea.gov links stay as BEA wrote them.
_BEA_LINK = re.compile(rb"https?://www\.bea\.gov")


@cache
def load(name: str) -> bytes:
    """Bytes of one bundled capture (cached: they are read-only)."""
    return resources.files("bea_tracker.demo").joinpath("data", name).read_bytes()


def rewrite_links(body: bytes, base_url: str) -> bytes:
    """Point every ``https://www.bea.gov`` link in ``body`` at ``base_url``."""
    return _BEA_LINK.sub(base_url.rstrip("/").encode("ascii"), body)
