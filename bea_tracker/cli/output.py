"""Printing results: rich tables for people, JSON and CSV for scripts."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

# the one value formatter (BEA's decimals, never "-0.0"), shared with the alerts
from notifier.render.formatting import format_value

__all__ = ["FORMATS", "cell", "csv_text", "emit", "format_time", "format_value", "print_table",
           "prior_cell", "to_json_text", "unit_label"]

FORMATS = ("table", "json", "csv")
#: units as people read them (the key stays in JSON and CSV)
UNIT_LABELS = {
    "percent_saar": "% annual rate",
    "percent": "% change",
    "percent_yoy": "% from a year ago",
    "percent_level": "% (level)",
    "usd_billions": "$ billions",
    "usd_trillions": "$ trillions",
}


def unit_label(unit: str | None) -> str:
    return "" if unit is None else UNIT_LABELS.get(unit, unit)


def format_time(value: Any) -> str:
    """Every timestamp in a table the same way, with its zone: ``2026-07-30 12:30 UTC``."""
    from datetime import date, datetime, timezone

    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return aware.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def cell(value: Any) -> str:
    """A value as a person reads it: no Python reprs (True, ['a'], None)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple | set):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={cell(v)}" for k, v in value.items() if v not in (None, [], ()))
    return str(value)


def to_json_text(data: Any) -> str:
    return json.dumps(data, indent=2, default=str, ensure_ascii=False)


def csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    out = io.StringIO()
    fieldnames = list(columns or (rows[0].keys() if rows else []))
    writer = csv.DictWriter(out, fieldnames=fieldnames, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


def print_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]], title: str | None = None
) -> None:
    """A rich table of ``rows``; ``columns`` are (key, heading) pairs; cells are plain text
    (never rich markup)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False)
    for _key, heading in columns:
        table.add_column(heading)
    for row in rows:
        # Text, not str: a scraped title such as "[/]" or "[bold]" is shown, not parsed
        table.add_row(*(Text(cell(row.get(k))) for k, _ in columns))
    Console(width=max(160, Console().width)).print(table)


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: str,
    columns: Sequence[tuple[str, str]],
    title: str | None = None,
    csv_columns: Sequence[str] | None = None,
) -> None:
    """Print rows as a table, JSON array, or CSV (``csv_columns``, else the first row's keys)."""
    if fmt == "json":
        sys.stdout.write(to_json_text(list(rows)) + "\n")
    elif fmt == "csv":
        sys.stdout.write(csv_text(rows, csv_columns))
    else:
        print_table(rows, columns, title)


def prior_cell(figure: Mapping[str, Any]) -> str:
    """A figure's prior-period value for a table cell, ``+2.1% (2026Q1)``; empty if none."""
    if figure.get("prior_value") is None:
        return ""
    value = format_value(figure["prior_value"], figure["unit"])
    return f"{value} ({figure['prior_period']})" if figure.get("prior_period") else value
