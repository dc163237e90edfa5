"""SQLAlchemy 2.0 models of the release-history database.

Tables, and the unique constraints that make duplicates impossible:

- ``releases``: one row per release page URL (``url`` unique).
- ``snapshots``: each distinct content of a release page or feed item (``release_id``,
  ``kind``, ``sha256`` unique); the raw bytes are kept compressed so a page can be re-parsed.
- ``figures``: headline figures of one snapshot (``snapshot_id``, ``indicator``, ``period``,
  ``unit``), plus the earlier periods it restates (``restated``: a vintage of that period).
- ``listing_cache``: the last body of each BEA archive listing page (backfill re-runs).
- ``schedule_events``: scheduled release times (``title``, ``period``).
- ``subscriptions``: who wants what through which channel.
- ``events``: the append-only event log (``dedupe_key`` unique), written in the same
  transaction as the data it describes.
- ``outbox``: one row per subscription x event (unique), with delivery state.
- ``cursors``: durable positions of event-log consumers.
- ``http_validators``: ETag / Last-Modified per polled URL (conditional GET).
- ``poll_log``: one row per HTTP poll.
- ``source_health``: consecutive failures per source, for source_problem events.
- ``daemon_state``: heartbeat and status of the running daemon (SQLite's one-daemon claim).
- ``daemons``: one row per daemon process (host, pid, role, heartbeat); several share a
  PostgreSQL database.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import UTCDateTime


class Base(DeclarativeBase):
    """Declarative base; every datetime column is UTC and reads back aware."""

    type_annotation_map = {datetime: UTCDateTime()}


class Release(Base):
    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    guid: Mapped[str | None] = mapped_column(String(1000))
    title: Mapped[str] = mapped_column(String(1000))
    series: Mapped[str | None] = mapped_column(String(300))
    released_at: Mapped[datetime | None]
    release_number: Mapped[str | None] = mapped_column(String(50))
    lead: Mapped[str | None] = mapped_column(Text)
    next_release: Mapped[date | None] = mapped_column(Date)
    extraction: Mapped[str] = mapped_column(String(20), default="pending")
    history: Mapped[bool] = mapped_column(Boolean, default=False)
    current_snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("snapshots.id", use_alter=True, name="fk_release_current_snapshot")
    )
    scheduled_at: Mapped[datetime | None]
    page_first_seen_at: Mapped[datetime | None]
    feed_first_seen_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    snapshots: Mapped[list[Snapshot]] = relationship(
        back_populates="release", foreign_keys="Snapshot.release_id"
    )


class Snapshot(Base):
    __tablename__ = "snapshots"
    __table_args__ = (UniqueConstraint("release_id", "kind", "sha256", name="uq_snapshot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # page | feed_item
    sha256: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(1000))
    fetched_at: Mapped[datetime]
    http_status: Mapped[int | None]
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    content_type: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    raw_zlib: Mapped[bytes] = mapped_column(LargeBinary)
    extraction: Mapped[str] = mapped_column(String(20))
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)
    # {"feed": {"status": "agree", "detail": ...}, "home_page": ...}: cross-checks of a page
    checks: Mapped[dict[str, dict[str, str]] | None] = mapped_column(JSON, nullable=True)

    release: Mapped[Release] = relationship(
        back_populates="snapshots", foreign_keys=[release_id]
    )


class Figure(Base):
    __tablename__ = "figures"
    __table_args__ = (
        UniqueConstraint("snapshot_id", "indicator", "period", "unit", name="uq_figure"),
        Index("ix_figures_indicator_period", "indicator", "period"),
        Index("ix_figures_latest", "indicator", "unit", "stated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"))
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id", ondelete="CASCADE"))
    indicator: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(300))
    period: Mapped[str] = mapped_column(String(20))
    estimate: Mapped[str | None] = mapped_column(String(30))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(30))
    prior_value: Mapped[float | None] = mapped_column(Float)
    prior_period: Mapped[str | None] = mapped_column(String(20))
    # when BEA stated it: the release time, else when it was fetched (indexed for "latest")
    stated_at: Mapped[datetime]
    # a vintage of an earlier period derived from another figure's prior_value (estimate
    # "revised"); not one of the release's own headline figures
    restated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ListingCache(Base):
    """The last body of a BEA archive listing page (its validators are in
    ``http_validators``), so a 304 can be parsed again without asking BEA."""

    __tablename__ = "listing_cache"

    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    raw_zlib: Mapped[bytes] = mapped_column(LargeBinary)
    fetched_at: Mapped[datetime]


class ScheduleRow(Base):
    """A stored scheduled release (the ORM row of ``schedule_events``); it leaves ``db``
    only as a :class:`db.records.ScheduledRelease`."""

    __tablename__ = "schedule_events"
    __table_args__ = (
        UniqueConstraint("title", "period", "key_year", name="uq_schedule_event"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    period: Mapped[str] = mapped_column(String(100), default="")
    # the year of a period that names none ("Annual Update"), else 0: keeps years apart
    key_year: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime | None]
    category: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(300))
    first_seen_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id", ondelete="SET NULL"))


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(1000))
    name: Mapped[str | None] = mapped_column(String(200))
    filter: Mapped[dict] = mapped_column(JSON, default=dict)
    digest: Mapped[str | None] = mapped_column(String(20))
    secret: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    format: Mapped[str] = mapped_column(String(16), default="full", server_default="full")
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    dedupe_key: Mapped[str] = mapped_column(String(500), unique=True)
    created_at: Mapped[datetime]
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id", ondelete="SET NULL"))
    snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("snapshots.id", ondelete="SET NULL")
    )
    schedule_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("schedule_events.id", ondelete="SET NULL")
    )
    baseline: Mapped[bool] = mapped_column(Boolean, default=False)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id", name="uq_outbox"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="CASCADE")
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    batch_id: Mapped[int | None] = mapped_column(Integer)


class Cursor(Base):
    __tablename__ = "cursors"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]


class HttpValidator(Base):
    __tablename__ = "http_validators"

    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class PollLog(Base):
    __tablename__ = "poll_log"
    __table_args__ = (Index("ix_poll_log_started", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(30))
    started_at: Mapped[datetime]
    duration_ms: Mapped[float] = mapped_column(Float)
    status: Mapped[int | None]
    not_modified: Mapped[bool] = mapped_column(Boolean, default=False)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    # the body, compressed, kept only when it could not be used (so nothing is lost)
    raw_zlib: Mapped[bytes | None] = mapped_column(LargeBinary)


class SourceHealth(Base):
    __tablename__ = "source_health"

    source: Mapped[str] = mapped_column(String(1000), primary_key=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    problem_open: Mapped[bool] = mapped_column(Boolean, default=False)
    episode: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]


class DaemonState(Base):
    __tablename__ = "daemon_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]


class DaemonRow(Base):
    __tablename__ = "daemons"
    __table_args__ = (Index("ix_daemons_heartbeat", "heartbeat_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))  # leader | deliverer | starting
    state: Mapped[str] = mapped_column(String(20))  # running | stopped
    started_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]
    stopped_at: Mapped[datetime | None]
    info: Mapped[dict] = mapped_column(JSON, default=dict)
