"""Sending due outbox rows: bounded concurrency, retries with backoff, dead letters.

Each row is leased (committed as ``sending``) before its send and marked right after, each
in its own transaction, so a crash mid-send leaves a lease that expires and is retried,
and a finished send is never repeated by a later run. The lease is renewed while the send is
in flight and while its outcome waits to be written, so a slow send within its deadline is
never taken for a dead one; a mark that fails (database locked, connection lost) is kept
and retried until the lease ends, and only a sender that still holds a row marks it.
Receivers can deduplicate the rare send that completed just before a crash: e-mails carry a
Message-ID derived from the row, webhooks an ``Idempotency-Key`` header.

A transient failure stays pending, retried at most ``backoff_max`` apart, until the alert
is older than ``give_up_after``; then it is dead and one ``delivery_dead`` event says so.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy.exc import DBAPIError

from db.events import event_record
from db.outbox import (
    Lease,
    lease_due,
    mark_dead_reported,
    mark_retry,
    mark_sent,
    renew_leases,
)
from db.records import DeadAlert, EventRecord, Subscription
from db.session import Database, Session
from db.types import utcnow
from notifier.channels import get_channel
from notifier.errors import PermanentSendError, SendError, TransientSendError
from notifier.links import safe_links
from notifier.settings import DeliveryContext
from notifier.subscriptions import get_subscriptions

logger = logging.getLogger(__name__)

DEADLINE_GRACE = 5.0  # seconds past a send's deadline before the loop stops waiting for it
MARK_RETRY_FIRST = 0.25  # seconds before a failed write of outcomes is tried again (doubling)
MARK_RETRY_MAX = 5.0
GROUP_COMMIT = 0.005  # seconds the writer waits after a first outcome for others to join it


@dataclass(frozen=True)
class DeliveryPolicy:
    give_up_after: float = 2 * 86400.0  # a transient failure is retried until this old
    max_attempts: int | None = None  # an optional second bound, by count
    backoff: float = 30.0
    backoff_max: float = 1800.0
    lease: float = 120.0
    concurrency: int = 16
    send_deadline: float = 30.0  # one whole send; shorter than the lease

    def retry_delay(self, attempts: int, retry_after: float | None) -> float:
        """Exponential backoff with full jitter on top of half the step, at least what the
        receiver asked for in Retry-After (up to ``backoff_max``)."""
        step = min(self.backoff_max, self.backoff * (2 ** min(max(0, attempts - 1), 40)))
        delay = step / 2 + random.uniform(0, step / 2)
        return max(delay, min(retry_after or 0.0, self.backoff_max))

    def gives_up(self, job: Job, error: SendError, now: datetime) -> bool:
        """Permanent errors at once; transient ones when the alert is older than
        ``give_up_after`` (or after ``max_attempts``, when set)."""
        if isinstance(error, PermanentSendError):
            return True
        if self.max_attempts is not None and job.attempts >= self.max_attempts:
            return True
        return (now - job.queued_at).total_seconds() >= self.give_up_after


@dataclass(eq=False)
class Job:
    """One send: a row, or a digest's rows for one subscription."""

    subscription: Subscription
    events: list[EventRecord]
    outbox_ids: list[int]
    attempts: int
    #: outbox id -> its attempt count at this claim: the rows this sender holds
    held: dict[int, int] = field(default_factory=dict)
    #: when the oldest of its rows was queued
    queued_at: datetime = datetime.max.replace(tzinfo=timezone.utc)
    # time.monotonic() when this sender's lease ends: past it, another sender may hold it
    lease_ends: float = float("inf")

    @property
    def send_id(self) -> int:
        return min(self.outbox_ids)


@dataclass
class DeliverySummary:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)
    #: seconds from each sent alert's event to its send (for the latency histogram)
    latencies: list[float] = field(default_factory=list)

    def line(self) -> str:
        return f"delivered {self.sent}, will retry {self.retried}, dead {self.dead}"


ContextFactory = Callable[[str], DeliveryContext]


def _claim(database: Database, now: datetime, policy: DeliveryPolicy,
           limit: int, since: datetime,
           events: dict[int, EventRecord | None] | None = None) -> list[Job]:
    """Lease at most ``limit`` rows (the free send slots): each starts at once, so none
    waits out its lease in a queue, and several daemons sharing the outbox each take a
    share instead of one of them holding hundreds of rows. ``events`` caches event records
    across the claims of one cycle (the log is append-only: a record read once is read)."""
    ends = time.monotonic() + policy.lease
    with database.unit_of_work() as session:
        leases = lease_due(session, now, timedelta(seconds=policy.lease), limit=limit,
                           since=since)
        jobs = _jobs(session, leases, {} if events is None else events)
    for job in jobs:
        job.lease_ends = ends
    return jobs


def _jobs(session: Session, leases: list[Lease],
          events: dict[int, EventRecord | None]) -> list[Job]:
    """Group leases into sends; each subscription is loaded once per batch and each event
    once per ``events`` cache (a release alerted to 1,000 subscribers is rendered from one
    record)."""
    jobs: dict[tuple[int, int], Job] = {}
    subs: dict[int, Subscription | None] = {
        s.id: s for s in get_subscriptions(session, {lease.subscription_id for lease in leases})
    }
    for lease in leases:
        if lease.event_id not in events:
            events[lease.event_id] = event_record(session, lease.event_id)
        sub, event = subs.get(lease.subscription_id), events[lease.event_id]
        if sub is None or event is None:
            continue
        key = (sub.id, 0 if sub.digest else lease.outbox_id)
        job = jobs.setdefault(key, Job(sub, [], [], lease.attempts))
        job.events.append(event)
        job.outbox_ids.append(lease.outbox_id)
        job.held[lease.outbox_id] = lease.attempts
        job.attempts = max(job.attempts, lease.attempts)
        job.queued_at = min(job.queued_at, lease.created_at)
    return list(jobs.values())


def _send(job: Job, context_for: ContextFactory) -> None:
    context = context_for(job.subscription.kind)
    events = safe_links(job.events, context.link_hosts)
    get_channel(job.subscription.kind).deliver(job.subscription, events, job.send_id, context)


Outcome = tuple[Job, SendError | None]


def _dead_alert(job: Job, error: SendError, now: datetime) -> DeadAlert:
    event = job.events[0]
    about = event.release.title if event.release else (event.message or event.kind)
    if len(job.events) > 1:
        about = f"{len(job.events)} events (digest), first: {about}"
    return DeadAlert(outbox_id=job.send_id, subscription_id=job.subscription.id,
                     channel=job.subscription.kind, event_id=event.id, event_kind=event.kind,
                     about=about, reason=error.reason, attempts=job.attempts,
                     queued_at=job.queued_at, died_at=now)


@dataclass
class _Marked:
    """What one write of outcomes did, counted once it committed."""

    sent: list[tuple[Job, list[int]]] = field(default_factory=list)
    failed: list[tuple[Job, SendError, bool, list[int]]] = field(default_factory=list)
    lost: list[Job] = field(default_factory=list)


def _record(database: Database, outcomes: list[Outcome], policy: DeliveryPolicy,
            summary: DeliverySummary) -> None:
    """Mark finished sends in one transaction (group commit: the writer takes whatever
    finished while it was busy, and waits GROUP_COMMIT, 5 ms, after a first outcome for
    others finishing with it). Only rows this sender still holds are marked;
    the summary counts what committed. Raises DBAPIError when the write fails."""
    now = utcnow()
    marked = _Marked()
    # a plain connection, not an ORM session: this runs for every send and must be cheap
    with database.engine.begin() as conn:
        sent = [job for job, error in outcomes if error is None]
        # every sent row in one UPDATE (a batch of 100 sends is one statement, not 100)
        sent_ids = set(mark_sent(conn, {i: a for job in sent for i, a in job.held.items()},
                                 now)) if sent else set()
        for job in sent:
            done = sorted(sent_ids.intersection(job.held))
            marked.sent.append((job, done))
            if len(done) < len(job.held):
                marked.lost.append(job)
        for job, error in outcomes:
            if error is None:
                continue
            give_up = policy.gives_up(job, error, now)
            if give_up:
                done = mark_dead_reported(conn, job.held, error.reason,
                                          _dead_alert(job, error, now))
            else:
                retry_after = error.retry_after if isinstance(error, TransientSendError) \
                    else None
                delay = policy.retry_delay(job.attempts, retry_after)
                done = mark_retry(conn, job.held, error.reason,
                                  now + timedelta(seconds=delay))
            marked.failed.append((job, error, give_up, done))
            if len(done) < len(job.held):
                marked.lost.append(job)
    for job, done in marked.sent:
        summary.sent += len(done)
        if done:
            summary.latencies.extend(max(0.0, (now - event.created_at).total_seconds())
                                     for event in job.events)
    for job, error, give_up, done in marked.failed:
        if give_up:
            summary.dead += len(done)
        else:
            summary.retried += len(done)
        summary.errors.append(error.reason)
        logger.warning(
            "%s to subscription %d (outbox %s) failed, attempt %d: %s%s",
            job.subscription.kind, job.subscription.id, job.send_id, job.attempts,
            error.reason, " -- giving up (delivery_dead)" if give_up else "",
        )
    for job in marked.lost:
        logger.warning("outbox %s: its lease ended and another sender holds it now; this "
                       "sender's outcome is not recorded", job.send_id)


async def _write_outcomes(database: Database, queue: asyncio.Queue, policy: DeliveryPolicy,
                          summary: DeliverySummary, held: dict[int, Job]) -> None:
    """The single writer of send outcomes (no write-lock contention between senders).

    A write that fails (SQLite locked past its busy timeout, a dropped connection) keeps
    its outcomes and tries again, backing off, together with whatever finished meanwhile;
    an outcome is given up only when its lease has ended (another sender may hold the row
    by then, so marking it would be wrong; the row is sent again: at least once)."""
    backlog: list[Outcome] = []
    closing = False
    delay = MARK_RETRY_FIRST
    while True:
        if not backlog:
            if closing:
                return
            item = await queue.get()
            backlog, closing = ([], True) if item is None else ([item], False)
            if not closing:
                await asyncio.sleep(GROUP_COMMIT)  # sends finishing together: one commit
        elif closing:
            await asyncio.sleep(delay)
        else:
            try:  # wait for the database, taking outcomes that finish meanwhile
                async with asyncio.timeout(delay):
                    item = await queue.get()
                if item is None:
                    closing = True
                else:
                    backlog.append(item)
            except TimeoutError:
                pass
        closing = _drain(queue, backlog) or closing
        backlog = _within_lease(backlog, held)
        if not backlog:
            continue
        try:
            await asyncio.to_thread(_record, database, backlog, policy, summary)
        except DBAPIError as exc:
            logger.warning("could not record %d send outcome(s) (outbox %s); trying again "
                           "in %g s: %s", len(backlog),
                           ", ".join(str(job.send_id) for job, _ in backlog[:10]), delay,
                           str(exc.orig or exc).splitlines()[0][:200])
            delay = min(MARK_RETRY_MAX, delay * 2)
            continue
        for job, _ in backlog:
            held.pop(job.send_id, None)
        backlog, delay = [], MARK_RETRY_FIRST


def _drain(queue: asyncio.Queue, backlog: list[Outcome]) -> bool:
    """Move every outcome waiting in ``queue`` to ``backlog``; True if the end mark came."""
    closing = False
    while not queue.empty():
        item = queue.get_nowait()
        if item is None:
            closing = True
        else:
            backlog.append(item)
    return closing


def _within_lease(backlog: list[Outcome], held: dict[int, Job]) -> list[Outcome]:
    """The outcomes still worth writing; those whose lease ended are logged and dropped."""
    now = time.monotonic()
    for job, error in backlog:
        if job.lease_ends <= now:
            held.pop(job.send_id, None)
            outcome = "sent" if error is None else f"failed: {error.reason}"
            logger.error("outbox %s (%s) could not be recorded before its lease ended; it "
                         "may be sent again", job.send_id, outcome)
    return [(job, error) for job, error in backlog if job.lease_ends > now]


def _renew(database: Database, jobs: list[Job], lease: float, now: datetime | None) -> None:
    """Extend the leases of ``jobs`` (in flight or waiting to be recorded); a job whose rows
    were all renewed gets a new ``lease_ends``."""
    held = {i: a for job in jobs for i, a in job.held.items()}
    started = time.monotonic()
    until = (now or utcnow()) + timedelta(seconds=lease)
    with database.engine.begin() as conn:
        renewed = set(renew_leases(conn, held, until))
    for job in jobs:
        if renewed.issuperset(job.held):
            job.lease_ends = started + lease


async def _keep_leases(database: Database, held: dict[int, Job], lease: float,
                       now: datetime | None) -> None:
    """Every third of the lease, renew the leases this sender holds."""
    while True:
        await asyncio.sleep(lease / 3)
        jobs = list(held.values())
        if not jobs:
            continue
        try:
            await asyncio.to_thread(_renew, database, jobs, lease, now)
        except DBAPIError as exc:
            logger.warning("could not renew the leases of %d send(s): %s", len(jobs),
                           str(exc.orig or exc).splitlines()[0][:200])


async def deliver_due(
    database: Database,
    context_for: ContextFactory,
    policy: DeliveryPolicy,
    now: datetime | None = None,
    *,
    refill: Callable[[], object] | None = None,
) -> DeliverySummary:
    """Send every due row once (retries wait for their time); never raises on send errors.

    Sends run side by side, each bounded by ``policy.send_deadline`` and recorded as soon as
    it finishes; freed slots are refilled without waiting for the rest, so one slow or
    hostile receiver holds one slot and never delays the others. ``refill`` (matching new
    events into the outbox) runs before each claim, so events that arrive while sends are in
    flight are queued and sent in this same cycle; a row is tried at most once per cycle.
    ``now`` fixes the clock for every claim (tests); by default each claim uses the current
    time.

    ``context_for(kind)`` builds the channel context; it may raise SendError (e.g. the SMTP
    password's variable is unset), which fails that send like any other.
    """
    summary = DeliverySummary()
    loop = asyncio.get_running_loop()
    # sends wait on the network: their own pool, wider than the concurrency so a send
    # abandoned at its deadline (its thread still unwinding) never blocks a new one
    senders = ThreadPoolExecutor(policy.concurrency * 2, thread_name_prefix="bea-send")
    outcomes: asyncio.Queue[Outcome | None] = asyncio.Queue()
    held: dict[int, Job] = {}  # claimed and not yet recorded, by send id: leases to renew
    writer = asyncio.create_task(_write_outcomes(database, outcomes, policy, summary, held))
    renewer = asyncio.create_task(_keep_leases(database, held, policy.lease, now))
    backstop = policy.send_deadline + DEADLINE_GRACE

    async def run(job: Job) -> None:
        error: SendError | None
        try:
            # the channel bounds its own exchange by the deadline; this is the backstop
            async with asyncio.timeout(backstop):
                await loop.run_in_executor(senders, _send, job, context_for)
            error = None
        except TimeoutError:
            error = TransientSendError(f"no complete send within {policy.send_deadline:g} s")
        except SendError as exc:
            error = exc
        except Exception as exc:  # a bug in a channel must not stop the others
            logger.exception("unexpected error sending outbox %s", job.send_id)
            error = TransientSendError(f"unexpected {type(exc).__name__}")
        outcomes.put_nowait((job, error))

    started = now or utcnow()
    event_cache: dict[int, EventRecord | None] = {}
    in_flight: set[asyncio.Task] = set()
    refill_at = max(1, policy.concurrency // 2)  # claim in batches, not after every send
    claiming, claimed = True, False
    try:
        while True:
            free = policy.concurrency - len(in_flight)
            if claiming and (free >= refill_at or not in_flight):
                try:
                    if refill is not None:
                        await asyncio.to_thread(refill)
                    claim_at = now or utcnow()
                    jobs = await asyncio.to_thread(_claim, database, claim_at, policy, free,
                                                   started, event_cache)
                except DBAPIError as exc:
                    if not claimed:
                        raise  # nothing claimed yet: the cycle fails as a whole
                    # sends in flight still finish and are recorded (the writer retries)
                    logger.warning("could not claim more sends this cycle: %s",
                                   str(exc.orig or exc).splitlines()[0][:200])
                    claiming, jobs = False, []
                claimed = claimed or bool(jobs)
                held.update((job.send_id, job) for job in jobs)
                in_flight |= {asyncio.create_task(run(job)) for job in jobs}
            if not in_flight:
                break
            _, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if in_flight:
            await asyncio.wait(in_flight)
        outcomes.put_nowait(None)
        try:
            await writer
        finally:
            renewer.cancel()
            senders.shutdown(wait=False)
    logger.debug("%s", summary.line())  # the caller reports it (once)
    return summary
