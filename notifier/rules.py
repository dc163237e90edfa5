"""Does a subscription want an event? One pure predicate, so matching is easy to test.

Semantics (kept in one place; the CLI help should say the same):
- Baseline events (history recorded on the first poll) and inactive subscriptions never match.
- ``new_release``: every subscription gets it unless its content filters say otherwise.
- ``revision``: only with ``revisions=True`` (a ``min_change`` implies it). With
  ``indicators``, only the revised figures of those indicators count, both for matching and
  for ``min_change`` (a GDP subscriber is not alerted because PCE moved).
- ``schedule_change``: only with ``schedule_changes=True``; ``series``/``keywords`` are
  checked against the schedule title; ``indicators`` do not apply (a schedule has no figures).
- ``source_problem``: with ``source_problems=True``, whatever the content filters; one
  that corrects figures already alerted (a late feed item contradicting the page) also
  reaches every subscription the release itself matches.
Within one filter list any entry may match; different lists must all match.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from db.records import (
    EVENT_NEW_RELEASE,
    EVENT_REVISION,
    EVENT_SCHEDULE_CHANGE,
    EVENT_SOURCE_PROBLEM,
    EventRecord,
    ReleaseRecord,
    Revision,
    Subscription,
    SubscriptionFilter,
)

logger = logging.getLogger(__name__)

# Revisions are rounded to 6 decimals; this keeps 1.6 - 1.5 >= 0.1 true.
_TOLERANCE = 1e-9


def matches(sub: Subscription, event: EventRecord) -> bool:
    """True when ``sub`` should be alerted about ``event``."""
    if event.baseline or not sub.active:
        return False
    f = sub.filter
    if event.kind == EVENT_NEW_RELEASE:
        return _release_matches(f, event.release)
    if event.kind == EVENT_REVISION:
        return _revision_matches(f, event)
    if event.kind == EVENT_SCHEDULE_CHANGE:
        title = event.schedule.title if event.schedule else event.message
        return (
            f.schedule_changes
            and _text_matches(f.series, [title])
            and _text_matches(f.keywords, [title])
        )
    if event.kind == EVENT_SOURCE_PROBLEM:
        return f.source_problems or (event.correction and event.release is not None
                                     and _release_matches(f, event.release))
    logger.warning("event %s has unknown kind %r; matching nobody", event.id, event.kind)
    return False


def _release_matches(f: SubscriptionFilter, release: ReleaseRecord | None) -> bool:
    if f.indicators:
        keys = {fig.indicator for fig in release.figures} if release else set()
        if keys.isdisjoint(f.indicators):
            return False
    return _release_text_matches(f, release)


def _revision_matches(f: SubscriptionFilter, event: EventRecord) -> bool:
    if not (f.revisions or f.min_change is not None):
        return False
    relevant = _relevant_revisions(f, event.revisions)
    if f.indicators and not relevant:
        return False
    if f.min_change is not None and not any(
        abs(r.change) >= f.min_change - _TOLERANCE for r in relevant
    ):
        return False
    return _release_text_matches(f, event.release)


def _relevant_revisions(f: SubscriptionFilter, revisions: Iterable[Revision]) -> list[Revision]:
    if not f.indicators:
        return list(revisions)
    return [r for r in revisions if r.indicator in f.indicators]


def _release_text_matches(f: SubscriptionFilter, release: ReleaseRecord | None) -> bool:
    if release is None:
        return not f.series and not f.keywords
    return _text_matches(f.series, [release.series, release.title]) and _text_matches(
        f.keywords, [release.title, release.lead]
    )


def _text_matches(needles: Iterable[str], haystacks: Iterable[str | None]) -> bool:
    """Case-insensitive substring test; an empty needle list matches anything."""
    wanted = [n.casefold() for n in needles if n and n.strip()]
    if not wanted:
        return True
    texts = [h.casefold() for h in haystacks if h]
    return any(n in t for n in wanted for t in texts)
