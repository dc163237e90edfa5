"""What happens to a fetched release page: extract, store the vintage, note failures.

Runs in a worker thread (called from the pipeline via ``asyncio.to_thread``), so it may
block on the database. Nothing a page contains stops a crawl: every page ends as a
:class:`CrawlOutcome`, its raw bytes kept in a snapshot whatever the extraction said, and
every failure logged in one line and in ``poll_log``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

from db.audit import feed_item_figures, raise_cross_check_problem
from db.crosschecks import current_page, release_alerted, set_check
from db.polls import log_poll, note_source_result
from db.records import (
    CHECK_DISAGREE,
    CHECK_FEED,
    CHECK_HOME_PAGE,
    EXTRACTION_FAILED,
    EXTRACTION_OK,
    CheckRecord,
    FigureRecord,
    ReleaseRecord,
)
from db.releases import mark_scheduled
from db.session import Database, Session
from db.store import KIND_PAGE, Fetched, store_snapshot
from scraper.crawl.spider import PageFailure, PageItem
from scraper.extract import extract_release, home_page
from scraper.extract.crosscheck import Check, cross_check
from scraper.home_fetch import HomeLookup

logger = logging.getLogger(__name__)

POLL_KIND = "page"
FEED_SOURCE = "the feed's <data>"
HOME_SOURCE = "BEA's home page"


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
        revision_interval: float | None = None,
        home: HomeLookup | None = None,
    ) -> None:
        self.database = database
        self.home = home  # BEA's home page block, asked for when a page has its figures
        self.on_outcome = on_outcome
        self.baseline = baseline
        self.history = history
        self.failure_threshold = failure_threshold
        # seconds: one revision alert per release at most (None: every one)
        self.revision_interval = None if revision_interval is None else \
            timedelta(seconds=revision_interval)
        self.outcomes: list[CrawlOutcome] = []
        self._lock = threading.Lock()

    def handle(self, item: PageItem | PageFailure) -> CrawlOutcome:
        try:
            outcome = self._store(item) if isinstance(item, PageItem) else self._failed(item)
        except Exception as exc:  # a database error must not lose the rest of the crawl
            logger.error("could not store %s", item.request.url, exc_info=True)
            outcome = CrawlOutcome(url=item.request.url, ok=False,
                                   error=f"not stored: {exc!r}")
        with self._lock:
            self.outcomes.append(outcome)
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        return outcome

    def _store(self, item: PageItem) -> CrawlOutcome:
        release_url = item.request.url
        record = _extract(item)
        fetched = Fetched(
            url=item.url, body=item.body, fetched_at=item.fetched_at, http_status=item.status,
            etag=item.etag, last_modified=item.last_modified, content_type=item.content_type,
        )
        home_check = self._home_check(record)  # an HTTP GET: before the transaction
        with self.database.unit_of_work() as session:
            feed_figures = item.request.feed_figures or feed_item_figures(session, release_url)
            feed = cross_check(record.figures, feed_figures, FEED_SOURCE, "the feed")
            checks = [feed.record(CHECK_FEED, "" if feed_figures else
                                  "no feed item for this release yet")]
            disagreements, sources = list(feed.disagreements), [FEED_SOURCE]
            if home_check is not None:
                checks.append(home_check[1])
                disagreements += home_check[0].disagreements
                sources.append(HOME_SOURCE)
            # a disagreement is stated in the record, so the alert says it
            record = replace(record, problems=record.problems + tuple(disagreements),
                             checks=tuple(checks))
            result = store_snapshot(
                session, fetched, record, kind=KIND_PAGE, release_url=release_url,
                guid=item.request.guid, baseline=self.baseline, history=self.history,
                revision_interval=self.revision_interval,
            )
            if disagreements and result.new_snapshot and result.snapshot_id:
                source = " and ".join(s for s, c in zip(sources, checks, strict=True)
                                      if c.status == CHECK_DISAGREE)
                event_id = raise_cross_check_problem(session, result.release_id,
                                                     result.snapshot_id, source,
                                                     tuple(disagreements),
                                                     baseline=self.baseline or self.history)
                if event_id:
                    result.event_ids.append(event_id)
            if item.request.scheduled_at is not None:
                mark_scheduled(session, result.release_id, item.request.scheduled_at)
            failed = record.extraction == EXTRACTION_FAILED
            log_poll(session, url=release_url, kind=POLL_KIND, started_at=item.fetched_at,
                     duration_ms=item.duration_ms, status=item.status, size=len(item.body),
                     etag=item.etag, last_modified=item.last_modified,
                     error="extraction failed: " + "; ".join(record.problems)
                     if failed else None)
            note_source_result(session, release_url, ok=True, error=None,
                               threshold=self.failure_threshold)
        return CrawlOutcome(
            url=release_url, ok=True, new_release=result.new_release,
            new_snapshot=result.new_snapshot, extraction=record.extraction,
            event_ids=result.event_ids, status=item.status,
        )

    def _home_check(self, record: ReleaseRecord) -> tuple[Check, CheckRecord] | None:
        """The page against BEA's home page block, when the page states one of the
        block's indicators (else no home-page check and no GET)."""
        if self.home is None or not home_page.INDICATORS & {
                f.indicator for f in record.figures}:
            return None
        figures = self.home()
        check = cross_check(record.figures, figures or (), HOME_SOURCE, "BEA's home page")
        return check, check.record(CHECK_HOME_PAGE, _home_unavailable(record.figures, figures))

    def _failed(self, item: PageFailure) -> CrawlOutcome:
        url = item.request.url
        with self.database.unit_of_work() as session:
            log_poll(session, url=url, kind=POLL_KIND, started_at=item.fetched_at,
                     duration_ms=0.0, status=item.status, error=item.reason)
            # a 404 before a release is live is normal; other failures count towards a
            # source_problem
            if item.status != 404:
                note_source_result(session, url, ok=False, error=item.reason,
                                   threshold=self.failure_threshold)
        return CrawlOutcome(url=url, ok=False, error=item.reason, status=item.status)


def check_late_feed_item(session: Session, release_id: int, feed_snapshot_id: int,
                         figures: tuple[FigureRecord, ...], *, baseline: bool) -> int | None:
    """A feed item stored after its release's page (found first by the burst probe):
    compare them now. The page's feed check is stored; a disagreement raises one
    source_problem, worded as a correction when the page's figures were already alerted,
    so it is never a silent pass. Returns the event id, if one was written."""
    page = current_page(session, release_id)
    if page is None or page.compared(CHECK_FEED) or not figures:
        return None
    check = cross_check(page.figures, figures, FEED_SOURCE, "the feed")
    set_check(session, page.snapshot_id, check.record(CHECK_FEED))
    if not check.disagreements:
        return None
    correction = None
    if release_alerted(session, release_id):
        correction = (f"Correction to the alert for {page.title}: its feed item, which "
                      "arrived after the page, disagrees with the figures alerted")
    return raise_cross_check_problem(session, release_id, page.snapshot_id, FEED_SOURCE,
                                     check.disagreements, baseline=baseline,
                                     late=feed_snapshot_id, correction=correction)


def _home_unavailable(page: tuple[FigureRecord, ...],
                      home: tuple[FigureRecord, ...] | None) -> str:
    """Why the home page could not confirm the page: unreadable, or still on an older
    period ("BEA's home page still shows Real GDP 2026Q1")."""
    if home is None:
        return "BEA's home page could not be read"
    mine = {f.indicator for f in page}
    shown = ", ".join(f"{f.label} {f.period}" for f in home if f.indicator in mine)
    return f"BEA's home page still shows {shown}" if shown else \
        "BEA's home page does not state this release's figures"


def _extract(item: PageItem) -> ReleaseRecord:
    """The page's record, with one log line whenever it is not plainly ok.

    A page that yields no title (an empty body, an error page) keeps the title the feed
    gave its release, so a failed page cannot rename the release it belongs to.
    """
    url = item.request.url
    record = extract_release(item.body, url)
    if record.extraction != EXTRACTION_OK or record.problems:
        logger.warning("extraction %s for %s (%d bytes kept): %s", record.extraction, url,
                       len(item.body), "; ".join(record.problems) or "no detail")
    if item.request.title and (record.extraction == EXTRACTION_FAILED or not record.title):
        record = replace(record, title=item.request.title)
    return record
