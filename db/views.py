"""SQL views with plain names, so the database reads well in sqlite3, Datasette or psql.

- ``release_list``: one row per release (newest first when ordered by ``released_at``),
  with how many page vintages are stored and how many figures its current vintage states.
- ``figure_history``: every figure of every stored vintage, with its release; ``is_current``
  is 1 for the release's current vintage (what ``bea-tracker history`` shows), else 0.
- ``latest_figures``: the most recently stated value of each indicator in each unit, from
  current vintages (what ``bea-tracker latest`` shows).

The SQL is portable (SQLite and PostgreSQL): no dialect functions, booleans passed through
as stored, flags computed with ``CASE`` as 1/0. Each set of definitions is frozen under a
version name once a migration uses it; a later change adds a new version and a migration
that drops and re-creates the views, so old migrations keep building what they built.

Note for later migrations: SQLite's batch mode (copy table, drop, rename) fails while a view
refers to the table it rebuilds; drop the views first and re-create them afterwards, with
:func:`drop_statements` and :func:`create_statements`.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

_RELEASE_LIST_V1 = """
SELECT
    r.id AS release_id,
    r.title,
    r.series,
    r.released_at,
    r.release_number,
    r.next_release,
    r.url,
    r.extraction,
    r.history AS backfilled,
    (SELECT COUNT(*) FROM snapshots s
      WHERE s.release_id = r.id AND s.kind = 'page') AS page_vintages,
    (SELECT COUNT(*) FROM figures f
      WHERE f.snapshot_id = r.current_snapshot_id) AS figures,
    r.lead,
    r.created_at AS first_seen_at
FROM releases r
"""

_FIGURE_HISTORY_V1 = """
SELECT
    f.indicator,
    f.label,
    f.period,
    f.estimate,
    f.value,
    f.unit,
    f.prior_value,
    f.prior_period,
    f.stated_at,
    r.title AS release_title,
    r.released_at,
    r.url AS release_url,
    s.fetched_at,
    CASE WHEN r.current_snapshot_id = f.snapshot_id THEN 1 ELSE 0 END AS is_current,
    s.kind AS source,
    f.release_id,
    f.snapshot_id,
    f.id AS figure_id
FROM figures f
JOIN releases r ON r.id = f.release_id
JOIN snapshots s ON s.id = f.snapshot_id
"""

# One indexed lookup per indicator and unit (figures by indicator, newest stated_at
# first), the same rule as db.queries.latest_by_indicator.
_LATEST_FIGURES_V1 = """
SELECT
    f.indicator,
    f.label,
    f.period,
    f.estimate,
    f.value,
    f.unit,
    f.prior_value,
    f.prior_period,
    f.stated_at,
    r.title AS release_title,
    r.released_at,
    r.url AS release_url,
    f.release_id,
    f.snapshot_id
FROM (SELECT DISTINCT indicator, unit FROM figures) i
JOIN figures f ON f.id = (
    SELECT f2.id
    FROM figures f2
    JOIN releases r2 ON r2.id = f2.release_id
    WHERE f2.indicator = i.indicator
      AND f2.unit = i.unit
      AND r2.current_snapshot_id = f2.snapshot_id
    ORDER BY f2.stated_at DESC, f2.period DESC, f2.id DESC
    LIMIT 1
)
JOIN releases r ON r.id = f.release_id
"""

#: Version 1 of the views (migration 0002). Never edit: add a version instead.
VIEWS_V1: dict[str, str] = {
    "release_list": _RELEASE_LIST_V1,
    "figure_history": _FIGURE_HISTORY_V1,
    "latest_figures": _LATEST_FIGURES_V1,
}

# Version 2 (migration 0005): a release's figure count leaves out the earlier periods it
# restates, and figure_history says which rows are such restatements.
_RELEASE_LIST_V2 = _RELEASE_LIST_V1.replace(
    "WHERE f.snapshot_id = r.current_snapshot_id) AS figures",
    "WHERE f.snapshot_id = r.current_snapshot_id AND NOT f.restated) AS figures",
)
_FIGURE_HISTORY_V2 = _FIGURE_HISTORY_V1.replace(
    "    f.id AS figure_id\n", "    f.id AS figure_id,\n    f.restated\n")

#: Version 2 of the views (migration 0005). Never edit: add a version instead.
VIEWS_V2: dict[str, str] = {
    "release_list": _RELEASE_LIST_V2,
    "figure_history": _FIGURE_HISTORY_V2,
    "latest_figures": _LATEST_FIGURES_V1,
}

VIEW_NAMES: tuple[str, ...] = tuple(VIEWS_V2)


def create_statements(views: dict[str, str]) -> list[str]:
    """``CREATE VIEW`` statements, in order."""
    return [f"CREATE VIEW {name} AS {sql.strip()}" for name, sql in views.items()]


def drop_statements(views: dict[str, str]) -> list[str]:
    """``DROP VIEW IF EXISTS`` statements, in reverse order."""
    return [f"DROP VIEW IF EXISTS {name}" for name in reversed(list(views))]
