"""HTTP header values that both the scraper (Scrapy retries) and the notifier (webhook and
Slack retries) read: one parser each, here because ``db`` is the package both may import
(they may not import each other, and a fourth package for one function would cost more
than it explains)."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

logger = logging.getLogger(__name__)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (``"7"`` or an HTTP-date, never negative);
    None if absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        logger.debug("ignoring unparseable Retry-After %r", text)
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())
