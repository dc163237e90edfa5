"""Everything an alert says, as plain strings, derived once from an EventRecord.

Templates, Slack blocks and subjects all read these views, so a figure reads the same in
every channel and no formatting logic hides in a template.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from db.records import (
    CHECK_AGREE,
    CHECK_DISAGREE,
    CHECK_FEED,
    CHECK_HOME_PAGE,
    EVENT_NEW_RELEASE,
    EVENT_REVISION,
    EVENT_SCHEDULE_CHANGE,
    EVENT_SOURCE_PROBLEM,
    CheckRecord,
    EventRecord,
    FigureRecord,
    Revision,
)
from notifier.render.formatting import (
    estimate_label,
    estimate_short,
    format_change,
    format_date,
    format_number,
    format_period,
    format_value,
    format_when,
    one_line,
)

logger = logging.getLogger(__name__)

KIND_LABELS = {
    EVENT_NEW_RELEASE: "New release",
    EVENT_REVISION: "Revision",
    EVENT_SCHEDULE_CHANGE: "Schedule change",
    EVENT_SOURCE_PROBLEM: "Source problem",
}
_SUBJECT_PREFIXES = {
    EVENT_NEW_RELEASE: "BEA",
    EVENT_REVISION: "BEA revision",
    EVENT_SCHEDULE_CHANGE: "BEA schedule change",
    EVENT_SOURCE_PROBLEM: "BEA source problem",
}
SUBJECT_LIMIT = 200
CHECK_SOURCES = {CHECK_FEED: "the feed item's data", CHECK_HOME_PAGE: "BEA's home page"}
# how a one-line alert names the estimate it is compared with: "(adv +1.5%)"
_ESTIMATE_ABBREVIATIONS = {
    "advance": "adv", "second": "2nd", "third": "3rd", "initial": "initial",
    "updated": "updated", "annual_update": "annual", "comprehensive_update": "comprehensive",
    "revised": "rev",
}


@dataclass(frozen=True)
class FigureView:
    label: str
    period: str
    estimate: str | None
    value: str
    prior: str | None

    @property
    def caption(self) -> str:
        """``Q2 2026, second estimate``."""
        return ", ".join(p for p in (self.period, self.estimate) if p)


@dataclass(frozen=True)
class RevisionView:
    label: str
    period: str
    old: str
    new: str
    change: str
    old_estimate: str | None
    new_estimate: str | None
    sentence: str


@dataclass(frozen=True)
class EventView:
    kind: str
    kind_label: str
    event_id: int
    subject: str
    headline: str
    title: str
    url: str | None
    lead: str | None
    summary: tuple[str, ...] = ()
    figures: tuple[FigureView, ...] = ()
    revisions: tuple[RevisionView, ...] = ()
    details: tuple[tuple[str, str], ...] = ()
    problems: tuple[str, ...] = ()
    earlier: str | None = None  # the headline figure's earlier estimate: "adv +1.5%"
    # "Checked against: the feed item's data, BEA's home page — agree"
    checks: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        """The one-line alert: ``BEA: GDP Q2 2026 (second) +1.5% (adv +1.5%)``."""
        line = f"{self.subject} ({self.earlier})" if self.earlier else self.subject
        return one_line(line, SUBJECT_LIMIT)


def figure_view(fig: FigureRecord) -> FigureView:
    prior = None
    if fig.prior_value is not None:
        prior = format_value(fig.prior_value, fig.unit)
        if fig.prior_period:
            prior = f"{prior} in {format_period(fig.prior_period)}"
    return FigureView(
        label=fig.label,
        period=format_period(fig.period),
        estimate=estimate_label(fig.estimate),
        value=format_value(fig.value, fig.unit),
        prior=prior,
    )


def revision_view(rev: Revision) -> RevisionView:
    old, new = format_number(rev.old_value), format_number(rev.new_value)
    estimate = estimate_label(rev.new_estimate)
    sentence = f"{rev.label} {format_period(rev.period)} revised {old} -> {new}"
    if estimate:
        sentence = f"{sentence} ({estimate})"
    return RevisionView(
        label=rev.label,
        period=format_period(rev.period),
        old=format_value(rev.old_value, rev.unit),
        new=format_value(rev.new_value, rev.unit),
        change=format_change(rev.change, rev.unit),
        old_estimate=estimate_label(rev.old_estimate),
        new_estimate=estimate,
        sentence=sentence,
    )


def event_view(event: EventRecord) -> EventView:
    """The view of one event; an unknown kind is shown as a plain message, never dropped."""
    builder = {
        EVENT_NEW_RELEASE: _new_release,
        EVENT_REVISION: _revision,
        EVENT_SCHEDULE_CHANGE: _schedule_change,
        EVENT_SOURCE_PROBLEM: _source_problem,
    }.get(event.kind, _source_problem)
    return builder(event)


def _link(url: str | None) -> str | None:
    """Only http(s) links reach an href or a Slack button (no ``javascript:`` from a page)."""
    if url and url.lower().startswith(("https://", "http://")):
        return url
    return None


def _subject(kind: str, headline: str) -> str:
    prefix = _SUBJECT_PREFIXES.get(kind, "BEA")
    return one_line(f"{prefix}: {headline}", SUBJECT_LIMIT)


def _release_details(event: EventRecord) -> tuple[tuple[str, str], ...]:
    release = event.release
    if release is None:
        return ()
    rows = []
    if release.released_at is not None:
        rows.append(("Released", format_when(release.released_at)))
    if release.release_number:
        rows.append(("Release number", release.release_number))
    if release.next_release is not None:
        rows.append(("Next release", format_date(release.next_release)))
    return tuple(rows)


def check_lines(checks: Sequence[CheckRecord]) -> tuple[str, ...]:
    """Which sources agree with the page, which do not (with both values), which could
    not be compared: one sentence each."""
    def name(check: CheckRecord) -> str:
        return CHECK_SOURCES.get(check.source, check.source.replace("_", " "))

    agree = [name(c) for c in checks if c.status == CHECK_AGREE]
    lines = [f"Checked against: {', '.join(agree)} \u2014 agree"] if agree else []
    for check in checks:
        if check.status == CHECK_DISAGREE:
            detail = check.detail or "the figures differ"
            lines.append(f"Checked against {name(check)} \u2014 DISAGREE: {detail}")
        elif check.status != CHECK_AGREE:
            why = f": {check.detail}" if check.detail else ""
            lines.append(f"Not checked against {name(check)}{why}")
    return tuple(one_line(line, 400) for line in lines)


def _earlier_note(event: EventRecord, top: FigureRecord) -> str | None:
    """``adv +1.5%``: what an earlier estimate said of the headline figure's period."""
    for earlier in event.earlier:
        same = (earlier.indicator, earlier.period, earlier.unit) == (
            top.indicator, top.period, top.unit)
        if same and earlier.estimate and earlier.estimate != top.estimate:
            name = _ESTIMATE_ABBREVIATIONS.get(earlier.estimate, estimate_short(earlier.estimate))
            return f"{name} {format_value(earlier.value, earlier.unit)}"
    return None


def _new_release(event: EventRecord) -> EventView:
    release = event.release
    title = one_line(release.title if release else event.message or "New BEA release", 300)
    figures = tuple(figure_view(f) for f in release.figures) if release else ()
    headline = title
    if release and release.figures:
        top, view = release.figures[0], figures[0]
        if release.series:
            estimate = estimate_short(top.estimate)
            parts = [release.series, view.period, f"({estimate})" if estimate else "", view.value]
            headline = " ".join(p for p in parts if p)
        else:
            headline = f"{title}: {view.label} {view.value}"
    return EventView(
        kind=event.kind,
        kind_label=KIND_LABELS[EVENT_NEW_RELEASE],
        event_id=event.id,
        subject=_subject(event.kind, headline),
        headline=one_line(headline, SUBJECT_LIMIT),
        title=title,
        url=_link(release.url) if release else None,
        lead=release.lead if release else None,
        summary=tuple(f"{f.label} ({f.caption}): {f.value}" for f in figures),
        figures=figures,
        details=_release_details(event),
        problems=tuple(release.problems) if release else (),
        earlier=_earlier_note(event, release.figures[0]) if release and release.figures else None,
        checks=check_lines(release.checks) if release else (),
    )


def _revision(event: EventRecord) -> EventView:
    release = event.release
    revisions = tuple(revision_view(r) for r in event.revisions)
    title = one_line(release.title if release else event.message or "BEA revision", 300)
    headline = title
    if event.revisions:
        first = event.revisions[0]
        old, new = format_number(first.old_value), format_number(first.new_value)
        headline = f"{first.label} {format_period(first.period)} {old} -> {new}"
        estimate = estimate_short(first.new_estimate)
        headline = f"{headline} ({estimate})" if estimate else headline
        if len(event.revisions) > 1:
            headline = f"{headline} and {len(event.revisions) - 1} more"
    return EventView(
        kind=event.kind,
        kind_label=KIND_LABELS[EVENT_REVISION],
        event_id=event.id,
        subject=_subject(event.kind, headline),
        headline=one_line(headline, SUBJECT_LIMIT),
        title=title,
        url=_link(release.url) if release else None,
        lead=None,
        summary=tuple(r.sentence for r in revisions) or (title,),
        revisions=revisions,
        details=_release_details(event),
    )


def _schedule_change(event: EventRecord) -> EventView:
    schedule = event.schedule
    rows: list[tuple[str, str]] = []
    if schedule is None:
        title = one_line(event.message or "BEA release schedule changed", 300)
        headline = title
    else:
        title = one_line(schedule.title, 300)
        when = format_when(schedule.starts_at)
        rows.append(("Scheduled for", when))
        if event.previous_starts_at is not None:
            rows.append(("Previously", format_when(event.previous_starts_at)))
            headline = f"{title} moved to {when}"
        else:
            headline = f"{title} scheduled for {when}"
        if schedule.period:
            rows.append(("Period", format_period(schedule.period)))
    summary = [headline] + ([event.message] if event.message and schedule else [])
    return EventView(
        kind=event.kind,
        kind_label=KIND_LABELS[EVENT_SCHEDULE_CHANGE],
        event_id=event.id,
        subject=_subject(event.kind, headline),
        headline=one_line(headline, SUBJECT_LIMIT),
        title=title,
        url=None,
        lead=None,
        summary=tuple(summary),
        details=tuple(rows),
    )


def _source_problem(event: EventRecord) -> EventView:
    release = event.release
    message = event.message or (release.title if release else None) or "a source could not be read"
    headline = one_line(message, 150)
    rows = [("Source", event.source)] if event.source else []
    if release is not None:
        rows.append(("Release", one_line(release.title, 300)))
        rows.append(("Extraction", release.extraction))
    correction = event.correction and event.kind == EVENT_SOURCE_PROBLEM
    return EventView(
        kind=event.kind,
        kind_label="Correction" if correction else KIND_LABELS.get(event.kind, event.kind),
        event_id=event.id,
        subject=one_line(f"BEA correction: {headline}", SUBJECT_LIMIT) if correction
        else _subject(event.kind, headline),
        headline=headline,
        title=headline,
        url=_link(release.url) if release else None,
        lead=None,
        summary=(message,),
        details=tuple(rows),
        problems=tuple(release.problems) if release else (),
    )


def chronological(events: Sequence[EventRecord]) -> list[EventRecord]:
    """Events oldest first (ties by id), the order every digest lists them in."""
    return sorted(events, key=lambda e: (e.created_at, e.id))
