"""A stored release with figures, written through db/ (for the publishing tests): its page
seen live, BEA's feed catching up 90 s later, then a revised figure (a revision event)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from db.records import FigureRecord, ReleaseRecord
from db.session import Database
from db.store import KIND_FEED_ITEM, Fetched, store_snapshot

SLUG = "us-international-trade-goods-and-services-august-2026-test"
TITLE = "U.S. International Trade in Goods and Services, August 2026 <script>x</script> [bold]"
RELEASED = datetime(2026, 10, 6, 8, 30, tzinfo=timezone(timedelta(hours=-4)))
FEED_LAG = timedelta(seconds=90)


def _record(url: str, title: str, value: float) -> ReleaseRecord:
    return ReleaseRecord(
        url=url, title=title, released_at=RELEASED, release_number="BEA 26-40",
        figures=(FigureRecord("trade_balance", "Trade balance", "2026-08", None, value,
                              "usd_billions", -71.2, "2026-07"),),
    )


def seed_release(database: Database, base_url: str = "https://www.bea.gov",
                 title: str = TITLE, revise: bool = True) -> str:
    """Store the trade release (August -88.6, July restated -71.2); with ``revise`` a later
    vintage says August was -89.0. Returns the release's URL."""
    url = f"{base_url.rstrip('/')}/news/2026/{SLUG}"
    with database.unit_of_work() as session:
        store_snapshot(session, Fetched(url, b"<html>trade</html>", RELEASED),
                       _record(url, title, -88.6))
        store_snapshot(session, Fetched(url, b'{"item": "trade"}', RELEASED + FEED_LAG),
                       _record(url, title, -88.6), kind=KIND_FEED_ITEM, guid=url)
        if revise:
            store_snapshot(session, Fetched(url, b"<html>trade, revised</html>",
                                            RELEASED + timedelta(days=1)),
                           _record(url, title, -89.0))
    return url
