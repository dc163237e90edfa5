"""A stored release with figures, written through db/ (for the publishing tests)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from db.records import FigureRecord, ReleaseRecord
from db.session import Database
from db.store import Fetched, store_snapshot

SLUG = "us-international-trade-goods-and-services-july-2026"
TITLE = "U.S. International Trade in Goods and Services, July 2026 <script>x</script> [bold]"
RELEASED = datetime(2026, 9, 3, 8, 30, tzinfo=timezone(timedelta(hours=-4)))


def seed_release(database: Database, base_url: str = "https://www.bea.gov",
                 title: str = TITLE) -> str:
    """Store one trade release (a July figure and June's restated one); returns its URL."""
    url = f"{base_url.rstrip('/')}/news/2026/{SLUG}"
    record = ReleaseRecord(
        url=url, title=title, released_at=RELEASED, release_number="BEA 26-40",
        figures=(FigureRecord("trade_balance", "Trade balance", "2026-07", None, -88.6,
                              "usd_billions", -71.2, "2026-06"),),
    )
    with database.unit_of_work() as session:
        store_snapshot(session, Fetched(url, b"<html>trade</html>", RELEASED), record)
    return url
