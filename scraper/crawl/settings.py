"""Scrapy settings for crawling BEA, in one place: polite by default."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from scraper.fetch import FetchPolicy

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# Only http(s): Scrapy's file, s3, ftp and data handlers are switched off, so a feed link
# such as file://www.bea.gov/etc/passwd cannot be read even if every other check missed it.
NO_DOWNLOAD_HANDLERS = {"file": None, "s3": None, "ftp": None, "data": None}
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
    policy: FetchPolicy,
    *,
    retry_times: int = 2,
    max_retry_after: float = 60.0,
) -> dict[str, Any]:
    """Settings for :class:`scrapy.crawler.AsyncCrawlerRunner`.

    One or two requests at a time per host, AutoThrottle, retries on 5xx/429 that honour
    Retry-After (capped), and a User-Agent that says who we are. Hosts, schemes, the
    deadline (Scrapy's DOWNLOAD_TIMEOUT bounds the whole download) and the size cap (Scrapy
    applies it to the decompressed body too) come from the same policy as every other fetch.
    """
    allowed_hosts = policy.allowed_hosts
    return {
        "BOT_NAME": "bea-tracker",
        "USER_AGENT": policy.user_agent,
        "TWISTED_REACTOR": ASYNCIO_REACTOR,
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": 4,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": throttle_start_delay(allowed_hosts),
        "AUTOTHROTTLE_MAX_DELAY": 30,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": policy.deadline,
        "DOWNLOAD_MAXSIZE": policy.max_bytes,
        "DOWNLOAD_WARNSIZE": policy.max_bytes // 2,
        "DOWNLOAD_HANDLERS": NO_DOWNLOAD_HANDLERS,
        "REDIRECT_MAX_TIMES": policy.max_redirects,
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
        "ALLOWED_SCHEMES": list(policy.schemes),
        "HTTPCACHE_ENABLED": False,
    }
