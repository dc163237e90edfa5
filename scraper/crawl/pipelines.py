"""Item pipeline: hands each fetched page (or failure) to the crawl's sink, off the loop.

SQLite writes block, so they run in a worker thread (``asyncio.to_thread``) and the event
loop that also runs the scheduler and the senders never stalls.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from scrapy.crawler import Crawler


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        sink = cast(Any, self.crawler.spider).sink  # ReleaseSpider, given its sink
        await asyncio.to_thread(sink.handle, item)
        return item
