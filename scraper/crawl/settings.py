"""Scrapy settings for crawling BEA, in one place: polite by default."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
PAGE_MAX_BYTES = 5 * 1024 * 1024  # a release page is ~50-100 KB; 10 MB must not hurt
THROTTLE_START_DELAY = 0.5  # seconds between requests to bea.gov until AutoThrottle learns


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses, with or without a port."""
    for name in (host, urlsplit(f"//{host}").hostname or ""):
        if name == "localhost":
            return True
        try:
            return ipaddress.ip_address(name).is_loopback
        except ValueError:
            continue
    return False


def throttle_start_delay(allowed_hosts: tuple[str, ...]) -> float:
    """AutoThrottle's first delay: polite for BEA; none when every allowed host is this
    machine (the local BEA of the tests, the demo and the benchmarks), where there is no
    one to be polite to."""
    if allowed_hosts and all(is_loopback(h) for h in allowed_hosts):
        return 0.0
    return THROTTLE_START_DELAY


def crawl_settings(
    user_agent: str,
    timeout: float,
    allowed_hosts: tuple[str, ...],
    *,
    retry_times: int = 2,
    max_retry_after: float = 60.0,
) -> dict[str, Any]:
    """Settings for :class:`scrapy.crawler.AsyncCrawlerRunner`.

    One or two requests at a time per host, AutoThrottle, retries on 5xx/429 that honour
    Retry-After (capped), timeouts, a body-size cap, and a User-Agent that says who we are.
    """
    return {
        "BOT_NAME": "bea-tracker",
        "USER_AGENT": user_agent,
        "TWISTED_REACTOR": ASYNCIO_REACTOR,
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": 4,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": throttle_start_delay(allowed_hosts),
        "AUTOTHROTTLE_MAX_DELAY": 30,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": timeout,
        "DOWNLOAD_MAXSIZE": PAGE_MAX_BYTES,
        "DOWNLOAD_WARNSIZE": PAGE_MAX_BYTES // 2,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": retry_times,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "RETRY_AFTER_MAX": max_retry_after,
        "DOWNLOADER_MIDDLEWARES": {
            "scraper.crawl.middlewares.AllowedHostsMiddleware": 50,
            "scraper.crawl.middlewares.RetryAfterMiddleware": 560,
        },
        "ITEM_PIPELINES": {"scraper.crawl.pipelines.StorePipeline": 300},
        "CLOSESPIDER_ERRORCOUNT": 50,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_ENABLED": False,
        "ALLOWED_HOSTS": list(allowed_hosts),
        "HTTPCACHE_ENABLED": False,
    }
