"""Re-extract every stored page (or feed item, for releases without a page) with today's
extractors and say what that changes.

Run it whenever an extractor changes: per release, the figures the current extractors
add, change (value, estimate or prior) or lose against what is stored. With ``apply``
the re-extraction is stored as a new vintage of the same bytes, quietly (db/audit.py):
the history is corrected, nobody is alerted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from db.records import FigureRecord, StoredPage

logger = logging.getLogger(__name__)

Key = tuple[str, str, str]


@dataclass(frozen=True)
class FigureChange:
    kind: str  # added | changed | lost
    old: FigureRecord | None
    new: FigureRecord | None

    def to_json(self) -> dict[str, Any]:
        fig = self.new or self.old
        assert fig is not None
        return {"change": self.kind, "indicator": fig.indicator, "period": fig.period,
                "unit": fig.unit, "old": self.old.to_json() if self.old else None,
                "new": self.new.to_json() if self.new else None}


@dataclass(frozen=True)
class AuditEntry:
    release_id: int
    url: str
    title: str
    old_extraction: str
    new_extraction: str
    changes: tuple[FigureChange, ...]
    stored_snapshot_id: int | None = None

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    def to_json(self) -> dict[str, Any]:
        return {"release_id": self.release_id, "url": self.url, "title": self.title,
                "extraction": {"old": self.old_extraction, "new": self.new_extraction},
                "added": self.count("added"), "changed": self.count("changed"),
                "lost": self.count("lost"), "stored_snapshot_id": self.stored_snapshot_id,
                "figures": [c.to_json() for c in self.changes]}


def _key(fig: FigureRecord) -> Key:
    return fig.indicator, fig.period, fig.unit


def _differs(a: FigureRecord, b: FigureRecord) -> bool:
    """What a reader would call a different figure (labels may be reworded freely)."""
    return (a.value, a.estimate, a.prior_value, a.prior_period) != (
        b.value, b.estimate, b.prior_value, b.prior_period)


def compare(old: tuple[FigureRecord, ...],
            new: tuple[FigureRecord, ...]) -> tuple[FigureChange, ...]:
    """Figures added, changed and lost going from ``old`` to ``new``, in ``new``'s order."""
    before = {_key(f): f for f in old}
    after = {_key(f): f for f in new}
    changes = [FigureChange("added", None, f) for k, f in after.items() if k not in before]
    changes += [FigureChange("changed", before[k], f) for k, f in after.items()
                if k in before and _differs(before[k], f)]
    changes += [FigureChange("lost", f, None) for k, f in before.items() if k not in after]
    return tuple(changes)


def audit_page(page: StoredPage) -> tuple[AuditEntry, Any]:
    """The audit of one stored vintage, and the re-extracted record (to store with
    --apply): a page through the page extractors, a feed item through the feed's."""
    from scraper.extract import extract_release
    from scraper.feed_items import reread_item

    record = reread_item(page.body) if page.kind == "feed_item" else \
        extract_release(page.body, page.url)
    entry = AuditEntry(page.release_id, page.url, record.title or page.title, page.extraction,
                       record.extraction, compare(page.figures, record.figures))
    return entry, record


def run_audit(db: Any, apply: bool = False) -> list[AuditEntry]:
    """Audit every release's current page; with ``apply`` store what changed."""
    from db.audit import current_pages, store_reextraction

    session = db.session()
    try:
        pages = current_pages(session)
    finally:
        session.close()
    entries = []
    for page in pages:
        entry, record = audit_page(page)
        if apply and (entry.changes or entry.old_extraction != entry.new_extraction):
            with db.unit_of_work() as work:
                stored = store_reextraction(work, page, record)
            entry = AuditEntry(**{**entry.__dict__, "stored_snapshot_id": stored})
        entries.append(entry)
    return entries
