"""The questions users ask of the release history, one function each.

"Current" figures are those of each release's current snapshot (its latest usable vintage);
``vintages=True`` widens a question to every stored snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from db.events import figure_record, release_record
from db.models import Figure, Release, Snapshot
from db.records import FigureRecord, ReleaseSummary
from db.releases import release_summary


@dataclass(frozen=True)
class StatedFigure:
    """A figure with the release (and vintage) that stated it."""

    figure: FigureRecord
    release_url: str
    release_title: str
    released_at: datetime | None
    fetched_at: datetime
    snapshot_id: int
    current: bool
    source: str = "page"  # the vintage's source: the release page, or the feed's <data>

    def to_json(self) -> dict[str, Any]:
        return self.figure.to_json() | {
            "release_url": self.release_url,
            "release_title": self.release_title,
            "released_at": self.released_at.isoformat() if self.released_at else None,
            "fetched_at": self.fetched_at.isoformat(),
            "snapshot_id": self.snapshot_id,
            "current": self.current,
            "source": self.source,
        }


#: snapshot kinds as sources a person recognises
SOURCES = {"page": "page", "feed_item": "feed"}


@dataclass(frozen=True)
class ReleaseListing:
    """One line of ``bea-tracker releases``."""

    id: int
    title: str
    url: str
    release_number: str | None
    released_at: datetime | None
    extraction: str
    figures: int
    vintages: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "url": self.url,
            "release_number": self.release_number,
            "released_at": self.released_at.isoformat() if self.released_at else None,
            "extraction": self.extraction, "figures": self.figures, "vintages": self.vintages,
        }


def _figure_rows(rows: Iterable[Any]) -> list[StatedFigure]:
    """(Figure, Release, fetched_at) rows as records."""
    return [
        StatedFigure(
            figure=figure_record(fig),
            release_url=rel.url,
            release_title=rel.title,
            released_at=rel.released_at,
            fetched_at=fetched_at,
            snapshot_id=fig.snapshot_id,
            current=rel.current_snapshot_id == fig.snapshot_id,
            source=SOURCES.get(kind, kind),
        )
        for fig, rel, fetched_at, kind in rows
    ]


def _base_select():
    return (
        select(Figure, Release, Snapshot.fetched_at, Snapshot.kind)
        .join(Release, Release.id == Figure.release_id)
        .join(Snapshot, Snapshot.id == Figure.snapshot_id)
    )


def _released():
    """When a statement was made: the release time, or when we fetched it."""
    return func.coalesce(Release.released_at, Snapshot.fetched_at)


def latest_by_indicator(session: Session, indicator: str | None = None) -> list[StatedFigure]:
    """The most recently stated value of each headline indicator (per unit: BEA states
    e.g. the PCE price index both month-on-month and year-on-year).

    One indexed lookup per indicator (figures by indicator, newest ``stated_at`` first),
    so the answer stays fast however long the history grows.
    """
    keys = select(Figure.indicator, Figure.unit).distinct()
    if indicator:
        keys = keys.where(Figure.indicator == indicator)
    wanted = keys.subquery()
    newest = aliased(Figure)
    newest_release = aliased(Release)
    newest_id = (
        select(newest.id)
        .join(newest_release, newest_release.id == newest.release_id)
        .where(newest.indicator == wanted.c.indicator, newest.unit == wanted.c.unit)
        .where(newest_release.current_snapshot_id == newest.snapshot_id)
        .order_by(newest.stated_at.desc(), newest.period.desc(), newest.id.desc())
        .limit(1)
        .correlate(wanted)
        .scalar_subquery()
    )
    stmt = (
        _base_select()
        .join(wanted, Figure.id == newest_id)
        .order_by(Figure.indicator, Figure.unit)
    )
    return _figure_rows(session.execute(stmt))


def history(
    session: Session, indicator: str, since: datetime | None = None, vintages: bool = False
) -> list[StatedFigure]:
    """A series over time: every release's statement of each period (every vintage if asked)."""
    stmt = _base_select().where(Figure.indicator == indicator)
    if not vintages:
        stmt = stmt.where(Release.current_snapshot_id == Figure.snapshot_id)
    if since is not None:
        stmt = stmt.where(_released() >= since)
    stmt = stmt.order_by(Figure.period, _released(), Snapshot.fetched_at, Figure.id)
    return _figure_rows(session.execute(stmt))


def known_indicators(session: Session) -> list[str]:
    return list(session.scalars(select(Figure.indicator).distinct().order_by(Figure.indicator)))


def _revision_entries(rows: list[StatedFigure]) -> dict[tuple[str, str, str], list[dict]]:
    """Statements of each (indicator, period, unit), oldest first: a release's own figures
    and the earlier periods it restates (stored as ``revised`` figures of those periods)."""
    series: dict[tuple[str, str, str], list[dict]] = {}
    for row in rows:
        fig = row.figure
        series.setdefault((fig.indicator, fig.period, fig.unit), []).append(
            {
                "label": fig.label,
                "estimate": fig.estimate,
                "value": fig.value,
                "released_at": row.released_at.isoformat() if row.released_at else None,
                "release_url": row.release_url,
            }
        )
    return series


def revisions(session: Session, indicator: str | None = None,
              vintages: bool = True) -> list[dict[str, Any]]:
    """How each period's figure moved from estimate to estimate (advance -> second -> ...).

    A prior-period value that a later release restates counts when it differs from what
    was last known; repeating the same value is not a revision.
    """
    stmt = _base_select()
    if not vintages:  # every stored vintage counts: a corrected page revises its old value
        stmt = stmt.where(Release.current_snapshot_id == Figure.snapshot_id)
    if indicator:
        stmt = stmt.where(Figure.indicator == indicator)
    stmt = stmt.order_by(_released(), Snapshot.fetched_at, Figure.id)
    result = []
    for (ind, period, unit), entries in sorted(_revision_entries(_figure_rows(
        session.execute(stmt)
    )).items()):
        steps: list[dict[str, Any]] = []
        for entry in entries:
            if steps and abs(steps[-1]["value"] - entry["value"]) < 1e-9:
                continue
            change = round(entry["value"] - steps[-1]["value"], 6) if steps else None
            steps.append(entry | {"change": change})
        if not steps:
            continue
        result.append(
            {
                "indicator": ind,
                "label": steps[-1]["label"],
                "period": period,
                "unit": unit,
                "estimates": [{k: v for k, v in s.items() if k != "label"} for s in steps],
                "total_change": round(steps[-1]["value"] - steps[0]["value"], 6),
            }
        )
    return result


def find_release(session: Session, ref: str) -> ReleaseSummary | None:
    """A release by id, URL, URL slug or exact title."""
    found = session.get(Release, int(ref)) if ref.isdigit() else None
    if found is None:
        found = session.scalars(
            select(Release).where(
                or_(Release.url == ref, Release.url.endswith("/" + ref), Release.title == ref)
            ).order_by(Release.id.desc())
        ).first()
    return release_summary(found) if found is not None else None


def release_detail(session: Session, release: ReleaseSummary) -> dict[str, Any]:
    """One release: metadata, lead, current figures, and every stored vintage."""
    row = session.get(Release, release.id)
    if row is None:
        raise LookupError(f"release {release.id} is gone")
    record = release_record(session, row)
    snaps = session.scalars(
        select(Snapshot).where(Snapshot.release_id == row.id).order_by(Snapshot.fetched_at)
    )
    return record.to_json() | {
        "id": row.id,
        "guid": row.guid,
        "history": row.history,
        "vintages": [
            {
                "snapshot_id": s.id,
                "kind": s.kind,
                "fetched_at": s.fetched_at.isoformat(),
                "sha256": s.sha256,
                "size": s.size,
                "http_status": s.http_status,
                "extraction": s.extraction,
                "current": s.id == row.current_snapshot_id,
            }
            for s in snaps
        ],
    }


def list_releases(session: Session, limit: int | None = None) -> list[ReleaseListing]:
    """Releases newest first, with how many current figures and stored vintages each has."""
    figures = (
        select(func.count(Figure.id))
        .where(Figure.release_id == Release.id, Figure.snapshot_id == Release.current_snapshot_id)
        .correlate(Release)
        .scalar_subquery()
    )
    vintages = (
        select(func.count(Snapshot.id)).where(Snapshot.release_id == Release.id)
        .correlate(Release).scalar_subquery()
    )
    stmt = select(Release, figures, vintages).order_by(
        func.coalesce(Release.released_at, Release.created_at).desc(), Release.id.desc()
    )
    if limit:
        stmt = stmt.limit(limit)
    return [
        ReleaseListing(id=r.id, title=r.title, url=r.url, release_number=r.release_number,
                       released_at=r.released_at, extraction=r.extraction, figures=n_fig,
                       vintages=n_vint)
        for r, n_fig, n_vint in session.execute(stmt)
    ]


def export_figures(session: Session) -> list[StatedFigure]:
    """The whole history: every figure of every vintage, oldest first."""
    stmt = _base_select().order_by(_released(), Snapshot.fetched_at, Figure.id)
    return _figure_rows(session.execute(stmt))
