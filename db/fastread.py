"""Read-only answers straight from a SQLite file with the standard library's ``sqlite3``.

Why: importing SQLAlchemy's ORM costs more than a whole ``bea-tracker latest`` may (the
issue's budget is the time of ``python -c "import sqlalchemy.orm"``). The questions here
read the views the migrations create (``latest_figures``), only when the file's schema is
at head, and give the same records as ``db.queries``; anything else (PostgreSQL, a file
that needs migrating, a missing file) returns None and the caller takes the ORM path, which
migrates first. A test keeps both paths' answers equal.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from db.migrate import HEAD_REVISION

SOURCES = {"page": "page", "feed_item": "feed"}

_LATEST = """
SELECT lf.indicator, lf.label, lf.period, lf.estimate, lf.value, lf.unit, lf.prior_value,
       lf.prior_period, lf.release_url, lf.release_title, lf.released_at, s.fetched_at,
       lf.snapshot_id, s.kind
FROM latest_figures lf JOIN snapshots s ON s.id = lf.snapshot_id
{where}
ORDER BY lf.indicator, lf.unit
"""


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///path`` URL (no query options), else None."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = url[len(prefix):]
    if not path or path == ":memory:":
        return None
    return Path(path).expanduser()


def _connect(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to a database at head, else None."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return None
    try:
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        conn.close()
        return None
    if not version or version[0] != HEAD_REVISION:
        conn.close()
        return None
    return conn


def _iso(value: Any) -> str | None:
    """Stored naive UTC text -> the ISO 8601 text the records print (with +00:00)."""
    if value is None:
        return None
    return datetime.fromisoformat(str(value)).replace(tzinfo=timezone.utc).isoformat()


def latest(url: str, indicator: str | None = None) -> tuple[list[dict], list[str]] | None:
    """(``latest_by_indicator`` as JSON records, the stored indicator keys), or None when
    this file cannot answer without the ORM."""
    path = sqlite_path(url)
    conn = _connect(path) if path else None
    if conn is None:
        return None
    with closing(conn):
        try:
            where, args = ("WHERE lf.indicator = ?", (indicator,)) if indicator else ("", ())
            rows = conn.execute(_LATEST.format(where=where), args).fetchall()
            stored = [r[0] for r in conn.execute(
                "SELECT DISTINCT indicator FROM figures ORDER BY indicator")]
        except sqlite3.Error:
            return None
    records = [
        {"indicator": r[0], "label": r[1], "period": r[2], "estimate": r[3], "value": r[4],
         "unit": r[5], "prior_value": r[6], "prior_period": r[7], "release_url": r[8],
         "release_title": r[9], "released_at": _iso(r[10]), "fetched_at": _iso(r[11]),
         "snapshot_id": r[12], "current": True, "source": SOURCES.get(r[13], r[13])}
        for r in rows
    ]
    return records, stored
