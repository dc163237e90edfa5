"""Sending due outbox rows: bounded concurrency, retries with backoff, dead letters.

Each row is leased (committed as ``sending``) before its send and marked right after, each
in its own transaction, so a crash mid-send leaves a lease that expires and is retried,
and a finished send is never repeated by a later run. Receivers can deduplicate the rare
send that completed just before a crash: e-mails carry a Message-ID derived from the row,
webhooks an ``Idempotency-Key`` header.
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

from db.events import event_record
from db.outbox import Lease, lease_due, mark_dead, mark_retry, mark_sent
from db.records import EventRecord, Subscription
from db.session import Database, Session
from notifier.channels import get_channel
from notifier.errors import PermanentSendError, SendError, TransientSendError
from notifier.links import safe_links
from notifier.settings import DeliveryContext
from notifier.subscriptions import get_subscriptions

logger = logging.getLogger(__name__)

DEADLINE_GRACE = 5.0  # seconds past a send's deadline before the loop stops waiting for it


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 8
    backoff: float = 30.0
    backoff_max: float = 3600.0
    lease: float = 120.0
    concurrency: int = 16
    send_deadline: float = 30.0  # one whole send; shorter than the lease

    def retry_delay(self, attempts: int, retry_after: float | None) -> float:
        """Exponential backoff with full jitter on top of half the step, at least what the
        receiver asked for in Retry-After."""
        step = min(self.backoff_max, self.backoff * (2 ** max(0, attempts - 1)))
        delay = step / 2 + random.uniform(0, step / 2)
        return max(delay, retry_after or 0.0)


@dataclass
class Job:
    """One send: a row, or a digest's rows for one subscription."""

    subscription: Subscription
    events: list[EventRecord]
    outbox_ids: list[int]
    attempts: int
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
           limit: int, since: datetime) -> list[Job]:
    """Lease at most ``limit`` rows (the free send slots): each starts at once, so none
    waits out its lease in a queue, and several daemons sharing the outbox each take a
    share instead of one of them holding hundreds of rows."""
    ends = time.monotonic() + policy.lease
    with database.unit_of_work() as session:
        leases = lease_due(session, now, timedelta(seconds=policy.lease), limit=limit,
                           since=since)
        jobs = _jobs(session, leases)
    for job in jobs:
        job.lease_ends = ends
    return jobs


def _jobs(session: Session, leases: list[Lease]) -> list[Job]:
    """Group leases into sends; each event and subscription is loaded once per batch
    (a release alerted to 1,000 subscribers is rendered from one record)."""
    jobs: dict[tuple[int, int], Job] = {}
    subs: dict[int, Subscription | None] = {
        s.id: s for s in get_subscriptions(session, {lease.subscription_id for lease in leases})
    }
    events: dict[int, EventRecord | None] = {}
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
        job.attempts = max(job.attempts, lease.attempts)
    return list(jobs.values())


def _send(job: Job, context_for: ContextFactory) -> None:
    context = context_for(job.subscription.kind)
    events = safe_links(job.events, context.link_hosts)
    get_channel(job.subscription.kind).deliver(job.subscription, events, job.send_id, context)


Outcome = tuple[Job, SendError | None]


def _record(database: Database, outcomes: list[Outcome], policy: DeliveryPolicy,
            summary: DeliverySummary) -> None:
    """Mark finished sends in one transaction (group commit: the writer takes whatever
    finished while it was busy, so under load marks batch up and when idle each is written
    at once; nothing waits to form a batch)."""
    now = datetime.now(timezone.utc)
    failed: list[tuple[Job, SendError, bool]] = []
    # a plain connection, not an ORM session: this runs for every send and must be cheap
    with database.engine.begin() as conn:
        sent = [i for job, error in outcomes if error is None for i in job.outbox_ids]
        if sent:
            mark_sent(conn, sent, now)
            summary.sent += len(sent)
            summary.latencies.extend(
                max(0.0, (now - event.created_at).total_seconds())
                for job, error in outcomes if error is None for event in job.events)
        for job, error in outcomes:
            if error is None:
                continue
            give_up = isinstance(error, PermanentSendError) or \
                job.attempts >= policy.max_attempts
            if give_up:
                mark_dead(conn, job.outbox_ids, error.reason)
                summary.dead += len(job.outbox_ids)
            else:
                retry_after = error.retry_after if isinstance(error, TransientSendError) \
                    else None
                delay = policy.retry_delay(job.attempts, retry_after)
                mark_retry(conn, job.outbox_ids, error.reason, now + timedelta(seconds=delay))
                summary.retried += len(job.outbox_ids)
            failed.append((job, error, give_up))
    for job, error, give_up in failed:
        summary.errors.append(error.reason)
        logger.warning(
            "%s to subscription %d (outbox %s) failed, attempt %d: %s%s",
            job.subscription.kind, job.subscription.id, job.send_id, job.attempts,
            error.reason, " -- giving up" if give_up else "",
        )


async def _write_outcomes(database: Database, queue: asyncio.Queue, policy: DeliveryPolicy,
                          summary: DeliverySummary) -> None:
    """The single writer of send outcomes (no write-lock contention between senders)."""
    done = False
    while not done:
        batch = [await queue.get()]
        while not queue.empty():
            batch.append(queue.get_nowait())
        done = batch[-1] is None
        outcomes = [item for item in batch if item is not None]
        if outcomes:
            await asyncio.to_thread(_record, database, outcomes, policy, summary)


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
    writer = asyncio.create_task(_write_outcomes(database, outcomes, policy, summary))
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

    started = now or datetime.now(timezone.utc)
    in_flight: set[asyncio.Task] = set()
    refill_at = max(1, policy.concurrency // 2)  # claim in batches, not after every send
    try:
        while True:
            free = policy.concurrency - len(in_flight)
            if free >= refill_at or not in_flight:
                if refill is not None:
                    await asyncio.to_thread(refill)
                claim_at = now or datetime.now(timezone.utc)
                jobs = await asyncio.to_thread(_claim, database, claim_at, policy, free,
                                               started)
                in_flight |= {asyncio.create_task(run(job)) for job in jobs}
            if not in_flight:
                break
            _, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if in_flight:
            await asyncio.wait(in_flight)
        outcomes.put_nowait(None)
        await writer
        senders.shutdown(wait=False)
    logger.debug("%s", summary.line())  # the caller reports it (once)
    return summary
