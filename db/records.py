"""Plain records that cross package boundaries.

The scraper produces them from page text, ``db`` stores and returns them, the notifier
renders them. They are frozen dataclasses with a ``to_json`` that gives the shapes of
DESIGN.md, so no ORM object or dict of unknown shape ever leaves its package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from db import indicators

EXTRACTION_OK = "ok"
EXTRACTION_PARTIAL = "partial"
EXTRACTION_FAILED = "failed"

ESTIMATES = ("advance", "initial", "second", "updated", "third", "annual_update",
             "comprehensive_update", "revised")
#: a later release's restatement of an earlier period (a vintage of that period)
ESTIMATE_REVISED = "revised"
UNITS = indicators.UNITS


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class FigureRecord:
    """One headline figure as BEA stated it (value carries BEA's sign)."""

    indicator: str
    label: str
    period: str
    estimate: str | None
    value: float
    unit: str
    prior_value: float | None = None
    prior_period: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "label": self.label,
            "period": self.period,
            "estimate": self.estimate,
            "value": self.value,
            "unit": self.unit,
            "prior_value": self.prior_value,
            "prior_period": self.prior_period,
        }


CHECK_AGREE = "agree"
CHECK_DISAGREE = "disagree"
CHECK_NOT_AVAILABLE = "not available"
CHECK_FEED = "feed"  # the feed item's <data> and description
CHECK_HOME_PAGE = "home_page"  # BEA's home page "Principal Federal Economic Indicators"


@dataclass(frozen=True)
class CheckRecord:
    """A page's figures compared with one other source: ``status`` agree / disagree /
    not available, and ``detail`` in words ("the feed says 3.2, the page says 3.3")."""

    source: str
    status: str
    detail: str = ""

    def to_json(self) -> dict[str, str]:
        return {"status": self.status, "detail": self.detail}


def checks_from_json(data: dict[str, Any] | None) -> tuple[CheckRecord, ...]:
    """The stored ``snapshots.checks`` as records (nothing stored: no checks)."""
    return tuple(CheckRecord(source, str(v.get("status")), str(v.get("detail") or ""))
                 for source, v in (data or {}).items() if isinstance(v, dict))


@dataclass(frozen=True)
class ReleaseRecord:
    """What a release page says: metadata, lead paragraph and headline figures."""

    url: str
    title: str
    released_at: datetime | None = None
    release_number: str | None = None
    lead: str | None = None
    next_release: date | None = None
    figures: tuple[FigureRecord, ...] = ()
    series: str | None = None
    extraction: str = EXTRACTION_OK
    problems: tuple[str, ...] = ()
    checks: tuple[CheckRecord, ...] = ()  # cross-checks of the page (none for an extraction)

    def to_json(self) -> dict[str, Any]:
        out = self._fields()
        if self.checks:
            out["checks"] = {c.source: c.status for c in self.checks}
        return out

    def _fields(self) -> dict[str, Any]:
        return {
            "kind": "release",
            "url": self.url,
            "title": self.title,
            "released_at": _iso(self.released_at),
            "release_number": self.release_number,
            "lead": self.lead,
            "next_release": _iso(self.next_release),
            "series": self.series,
            "extraction": self.extraction,
            "problems": list(self.problems),
            "figures": [f.to_json() for f in self.figures],
        }


@dataclass(frozen=True)
class FeedItem:
    """One item of BEA's RSS feed, with figures from BEA's custom ``<data>`` element.

    ``next_release`` is an ISO date string when BEA gave a date, BEA's text when it gave
    something else ("Spring 2027"), and None for "xx" or nothing.
    """

    guid: str
    title: str
    link: str
    published: datetime | None = None
    series: str | None = None
    next_release: str | None = None
    figures: tuple[FigureRecord, ...] = ()
    description: str | None = None
    vintage: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "guid": self.guid,
            "title": self.title,
            "link": self.link,
            "published": _iso(self.published),
            "series": self.series,
            "next_release": self.next_release,
            "figures": [f.to_json() for f in self.figures],
        }


@dataclass(frozen=True)
class FeedRecord:
    """A parsed feed: usable items plus a note for everything that was wrong."""

    title: str | None
    updated: datetime | None
    items: tuple[FeedItem, ...] = ()
    problems: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "feed",
            "title": self.title,
            "updated": _iso(self.updated),
            "items": [i.to_json() for i in self.items],
            "problems": list(self.problems),
        }


@dataclass(frozen=True)
class ScheduledRelease:
    """A release on BEA's schedule and when it goes out (aware, America/New_York), as
    parsed from the calendar or read back from the database.

    ``schedule_id`` is the stored row's id; None for a schedule just parsed.
    """

    title: str
    period: str | None
    starts_at: datetime
    category: str | None = None
    schedule_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "period": self.period,
            "starts_at": _iso(self.starts_at),
            "category": self.category,
        }


@dataclass(frozen=True)
class UnscheduledRelease:
    """A schedule row without a date ("To Be Announced"), or one BEA postponed ("To Be
    Rescheduled (Orig. Feb. 26)": ``postponed``, its title split from ``period``)."""

    title: str
    note: str
    period: str | None = None
    postponed: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title, "note": self.note}
        if self.postponed:
            out.update(period=self.period, postponed=True)
        return out


@dataclass(frozen=True)
class ScheduleRecord:
    events: tuple[ScheduledRelease, ...] = ()
    unscheduled: tuple[UnscheduledRelease, ...] = ()
    problems: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "schedule",
            "events": [e.to_json() for e in self.events],
            "unscheduled": [u.to_json() for u in self.unscheduled],
            "problems": list(self.problems),
        }


@dataclass(frozen=True)
class Revision:
    """A figure whose value changed between two vintages of the same period."""

    indicator: str
    label: str
    period: str
    unit: str
    old_value: float
    new_value: float
    old_estimate: str | None
    new_estimate: str | None

    @property
    def change(self) -> float:
        return round(self.new_value - self.old_value, 6)

    def to_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "label": self.label,
            "period": self.period,
            "unit": self.unit,
            "old_value": self.old_value,
            "new_value": self.new_value,
            "old_estimate": self.old_estimate,
            "new_estimate": self.new_estimate,
            "change": self.change,
        }


EVENT_NEW_RELEASE = "new_release"
EVENT_REVISION = "revision"
EVENT_SCHEDULE_CHANGE = "schedule_change"
EVENT_SOURCE_PROBLEM = "source_problem"
EVENT_KINDS = (EVENT_NEW_RELEASE, EVENT_REVISION, EVENT_SCHEDULE_CHANGE, EVENT_SOURCE_PROBLEM)
#: an alert given up (for the operator: ``status``, /metrics); never alerted to subscribers
EVENT_DELIVERY_DEAD = "delivery_dead"


@dataclass(frozen=True)
class DeadAlert:
    """An alert the outbox gave up on: which subscription and what it was about, never the
    subscription's target (a URL with a secret in it)."""

    outbox_id: int
    subscription_id: int
    channel: str
    event_id: int
    event_kind: str
    about: str
    reason: str
    attempts: int
    queued_at: datetime | None
    died_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "outbox": self.outbox_id, "subscription": self.subscription_id,
            "channel": self.channel, "event": self.event_id, "event_kind": self.event_kind,
            "about": self.about, "reason": self.reason, "attempts": self.attempts,
            "queued_at": _iso(self.queued_at), "died_at": _iso(self.died_at),
        }


@dataclass(frozen=True)
class EarlierEstimate:
    """What an earlier release said for the same indicator and period (the advance estimate
    a second estimate follows), so a one-line alert can say "(adv +1.5%)"."""

    indicator: str
    period: str
    unit: str
    value: float
    estimate: str | None


@dataclass(frozen=True)
class EventRecord:
    """One entry of the append-only event log, with what a notifier needs to render it."""

    id: int
    kind: str
    created_at: datetime
    release: ReleaseRecord | None = None
    revisions: tuple[Revision, ...] = ()
    schedule: ScheduledRelease | None = None
    previous_starts_at: datetime | None = None
    message: str | None = None
    baseline: bool = False
    source: str | None = None
    # new_release: the same periods as earlier releases stated them (not in to_json: the
    # webhook payload keeps its shape)
    earlier: tuple[EarlierEstimate, ...] = ()
    # source_problem: a correction of figures already alerted (goes to their subscribers)
    correction: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "created_at": _iso(self.created_at),
            "release": self.release.to_json() if self.release else None,
            "revisions": [r.to_json() for r in self.revisions],
            "schedule": self.schedule.to_json() if self.schedule else None,
            "previous_starts_at": _iso(self.previous_starts_at),
            "message": self.message,
            "baseline": self.baseline,
            "source": self.source,
            # the page's cross-checks, source -> agree / disagree / not available
            "checks": {c.source: c.status for c in self.release.checks}
            if self.release else {},
            "correction": self.correction,
        }


@dataclass(frozen=True)
class SubscriptionFilter:
    """What a subscriber wants; empty lists mean "anything"."""

    indicators: tuple[str, ...] = ()
    series: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    revisions: bool = False
    min_change: float | None = None
    schedule_changes: bool = False
    source_problems: bool = False


FORMAT_FULL = "full"
FORMAT_SHORT = "short"
FORMATS = (FORMAT_FULL, FORMAT_SHORT)


@dataclass(frozen=True)
class Subscription:
    id: int
    kind: str  # a channel kind: notifier.channels.CHANNELS
    target: str  # address or URL (a secret for most kinds: mask it when shown)
    name: str | None = None
    filter: SubscriptionFilter = field(default_factory=SubscriptionFilter)
    digest: str | None = None  # None or "daily"
    secret: str | None = None  # HMAC key for webhooks
    active: bool = True
    format: str = "full"  # FORMATS: the whole message, or one line
    paused: bool = False  # paused: no alerts until resumed (removed is active=False)


@dataclass(frozen=True)
class StoredPage:
    """A release's current vintage as stored (its page, else its feed item): the raw bytes
    to re-extract, and the figures the extractors of the time found in them (for
    ``bea-tracker audit``)."""

    release_id: int
    snapshot_id: int
    url: str
    title: str
    fetched_at: datetime
    body: bytes
    extraction: str
    figures: tuple[FigureRecord, ...] = ()
    kind: str = "page"  # or "feed_item": the item's stored JSON, re-read the same way


@dataclass(frozen=True)
class ReleaseSummary:
    """A stored release without its figures: enough to find, list or mark it."""

    id: int
    url: str
    title: str
    guid: str | None = None
    series: str | None = None
    released_at: datetime | None = None
    extraction: str = EXTRACTION_OK
    history: bool = False
    scheduled_at: datetime | None = None
    created_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "guid": self.guid,
            "series": self.series,
            "released_at": _iso(self.released_at),
            "extraction": self.extraction,
            "history": self.history,
            "scheduled_at": _iso(self.scheduled_at),
            "created_at": _iso(self.created_at),
        }


@dataclass(frozen=True)
class MissingPage:
    """A release whose page we still lack, and how often (and when last) we asked for it."""

    url: str
    guid: str | None
    title: str
    attempts: int = 0
    last_attempt_at: datetime | None = None


@dataclass(frozen=True)
class HttpValidators:
    """What a conditional GET sends back: the ETag and Last-Modified of the last usable
    response (both None when the URL was never read in full)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class PollRecord:
    """One logged HTTP poll."""

    url: str
    kind: str
    started_at: datetime
    status: int | None
    not_modified: bool = False
    error: str | None = None


@dataclass(frozen=True)
class DeliveryRecord:
    """One outbox row with its subscription's kind and its event's kind."""

    id: int
    subscription_id: int
    kind: str
    event_id: int
    event_kind: str
    status: str
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None = None
    last_error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subscription": self.subscription_id,
            "kind": self.kind,
            "event": self.event_id,
            "event_kind": self.event_kind,
            "status": self.status,
            "attempts": self.attempts,
            "next_attempt_at": _iso(self.next_attempt_at),
            "sent_at": _iso(self.sent_at),
            "last_error": self.last_error,
        }


@dataclass(frozen=True)
class PublishedEvent:
    """A release or revision event as the outbound feed shows it: the event and when the
    tracker saw the release's page live and when BEA's own feed caught up."""

    event: EventRecord
    release_id: int
    page_first_seen_at: datetime | None = None
    feed_first_seen_at: datetime | None = None


OUTCOME_UPCOMING = "upcoming"
OUTCOME_PUBLISHED = "published"
OUTCOME_NOT_SEEN = "not_seen"
OUTCOME_CANCELLED = "cancelled"


@dataclass(frozen=True)
class CalendarEntry:
    """A scheduled release with what became of it: upcoming, published (the release the
    tracker matched to it, when its page went live, its headline figure), not seen, or
    cancelled; ``moved_from`` when BEA moved it."""

    schedule_id: int
    title: str
    period: str | None
    starts_at: datetime
    category: str | None
    outcome: str
    moved_from: datetime | None = None
    release_title: str | None = None
    release_url: str | None = None
    page_first_seen_at: datetime | None = None
    headline: FigureRecord | None = None
