"""What happens to a fetched release page: extract, store the vintage, note failures.

Runs in a worker thread (called from the pipeline via ``asyncio.to_thread``), so it may
block on the database.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from db.polls import log_poll, note_source_result
from db.records import EXTRACTION_FAILED
from db.session import Database
from db.store import KIND_PAGE, Fetched, store_snapshot
from scraper.extract import extract_release
from scraper.spider import PageFailure, PageItem

logger = logging.getLogger(__name__)


@dataclass
class CrawlOutcome:
    url: str
    ok: bool
    new_release: bool = False
    new_snapshot: bool = False
    extraction: str | None = None
    event_ids: list[int] = field(default_factory=list)
    error: str | None = None
    status: int | None = None


class PageSink:
    """Collects the outcome of every page of one crawl."""

    def __init__(
        self,
        database: Database,
        *,
        baseline: bool = False,
        history: bool = False,
        failure_threshold: int = 3,
        on_outcome: Callable[[CrawlOutcome], None] | None = None,
    ) -> None:
        self.database = database
        self.on_outcome = on_outcome
        self.baseline = baseline
        self.history = history
        self.failure_threshold = failure_threshold
        self.outcomes: list[CrawlOutcome] = []
        self._lock = threading.Lock()

    def handle(self, item: PageItem | PageFailure) -> CrawlOutcome:
        outcome = self._store(item) if isinstance(item, PageItem) else self._failed(item)
        with self._lock:
            self.outcomes.append(outcome)
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        return outcome

    def _store(self, item: PageItem) -> CrawlOutcome:
        release_url = item.request.url
        record = extract_release(item.body, release_url)
        if record.extraction != "ok":
            logger.warning("extraction %s for %s: %s", record.extraction, release_url,
                           "; ".join(record.problems) or "no detail")
        fetched = Fetched(
            url=item.url, body=item.body, fetched_at=item.fetched_at, http_status=item.status,
            etag=item.etag, last_modified=item.last_modified, content_type=item.content_type,
        )
        with self.database.unit_of_work() as session:
            result = store_snapshot(
                session, fetched, record, kind=KIND_PAGE, release_url=release_url,
                guid=item.request.guid, baseline=self.baseline, history=self.history,
            )
            if item.request.scheduled_at is not None:
                from db.models import Release

                release = session.get(Release, result.release_id)
                if release is not None and release.scheduled_at is None:
                    release.scheduled_at = item.request.scheduled_at
            log_poll(session, url=item.url, kind="page", started_at=item.fetched_at,
                     duration_ms=0.0, status=item.status, size=len(item.body),
                     error=None if record.extraction != EXTRACTION_FAILED else
                     "extraction failed: " + "; ".join(record.problems))
            note_source_result(session, release_url, ok=True, error=None,
                               threshold=self.failure_threshold)
        return CrawlOutcome(
            url=release_url, ok=True, new_release=result.new_release,
            new_snapshot=result.new_snapshot, extraction=record.extraction,
            event_ids=result.event_ids, status=item.status,
        )

    def _failed(self, item: PageFailure) -> CrawlOutcome:
        url = item.request.url
        with self.database.unit_of_work() as session:
            log_poll(session, url=url, kind="page", started_at=item.fetched_at,
                     duration_ms=0.0, status=item.status, error=item.reason)
            # a 404 before a release is live is normal; other failures count towards a
            # source_problem
            if item.status != 404:
                note_source_result(session, url, ok=False, error=item.reason,
                                   threshold=self.failure_threshold)
        return CrawlOutcome(url=url, ok=False, error=item.reason, status=item.status)
