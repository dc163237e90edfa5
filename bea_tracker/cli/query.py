"""Query commands: latest, history, revisions, releases, show, export."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bea_tracker.app import App
from bea_tracker.cli.group import main
from bea_tracker.cli.options import check_indicator, fail, format_option, parse_since
from bea_tracker.cli.output import (
    csv_text,
    emit,
    format_time,
    format_value,
    prior_cell,
    to_json_text,
    unit_label,
)

if TYPE_CHECKING:
    from db.session import Session

EXPORT_COLUMNS = [
    "indicator", "label", "period", "estimate", "value", "unit", "prior_value", "prior_period",
    "release_url", "release_title", "released_at", "fetched_at", "snapshot_id", "current",
    "source",
]

FIGURE_COLUMNS = [
    ("indicator", "Indicator"),
    ("period", "Period"),
    ("estimate", "Estimate"),
    ("shown", "Value"),
    ("unit_shown", "Unit"),
    ("prior", "Prior"),
    ("released", "Released"),
    ("release_title", "Release"),
]
VINTAGE_COLUMNS = [*FIGURE_COLUMNS[:5], ("source", "Source"), ("fetched", "Fetched"),
                   ("snapshot_id", "Vintage"), ("current", "Current"), ("released", "Released")]


def _for_people(row: dict) -> dict:
    return row | {
        "shown": format_value(row["value"], row["unit"]),
        "unit_shown": unit_label(row["unit"]),
        "prior": prior_cell(row),
        "released": format_time(row.get("released_at")),
        "fetched": format_time(row.get("fetched_at")),
    }


class _LazyDb:
    """``app.db`` built only when first used (the fast read needs no SQLAlchemy)."""

    def __init__(self, app: App) -> None:
        self._app = app

    def session(self) -> AbstractContextManager[Session]:
        return self._app.db.session()


def _checked(session: Session, key: str | None) -> None:
    """Exit 2 for an unknown indicator key (stored keys count as known)."""
    if key is not None:
        from db.queries import known_indicators

        check_indicator(key, known_indicators(session))


@main.command()
@click.option("--indicator", help="Only this indicator key (e.g. real_gdp).")
@format_option()
@click.pass_obj
def latest(app: App, indicator: str | None, fmt: str) -> None:
    """Latest value of each headline indicator (one row per indicator and unit)."""
    from bea_tracker.publish.shapes import latest_shape

    url = app.config.database.resolved_url()
    # app.db (SQLAlchemy, migrations) is only built when the fast SQLite read cannot serve
    rows, stored = latest_shape(_LazyDb(app), url, indicator)
    check_indicator(indicator, stored)
    emit([_for_people(r) for r in rows] if fmt == "table" else rows, fmt, FIGURE_COLUMNS,
         "Latest BEA headline figures", EXPORT_COLUMNS)


@main.command()
@click.argument("key")
@click.option("--since", help="Only statements released on or after this date "
                              "(2026, 2026-01, 2026-01-31 or an ISO time).")
@click.option("--vintages", is_flag=True,
              help="Every stored vintage, not just the current, with its source.")
@format_option()
@click.pass_obj
def history(app: App, key: str, since: str | None, vintages: bool, fmt: str) -> None:
    """A series over time, with every estimate of each period."""
    from bea_tracker.publish.shapes import history_shape

    since_at = parse_since(since)
    with app.db.session() as session:
        _checked(session, key)
        rows = history_shape(session, key, since_at, vintages)
    emit([_for_people(r) for r in rows] if fmt == "table" else rows, fmt,
         VINTAGE_COLUMNS if vintages else FIGURE_COLUMNS, f"History of {key}", EXPORT_COLUMNS)


@main.command()
@click.option("--indicator", help="Only this indicator key.")
@click.option("--all", "show_all", is_flag=True,
              help="Also periods whose figure never moved (one estimate so far).")
@format_option()
@click.pass_obj
def revisions(app: App, indicator: str | None, show_all: bool, fmt: str) -> None:
    """How each period's figure moved from estimate to estimate (revised figures only,
    unless --all)."""
    from db.queries import revisions as revisions_query

    with app.db.session() as session:
        _checked(session, indicator)
        found = revisions_query(session, indicator)
    if not show_all:
        found = [r for r in found if len(r["estimates"]) > 1]
    if fmt == "json":
        sys.stdout.write(to_json_text(found) + "\n")
        return
    rows = [
        {"indicator": r["indicator"], "period": r["period"], "unit": r["unit"],
         "unit_shown": unit_label(r["unit"])}
        | {
            "estimate": step["estimate"],
            "value": step["value"],
            "shown": format_value(step["value"], r["unit"]),
            "change": step["change"],
            "change_shown": "" if step["change"] is None else f"{step['change']:+.2f}",
            "released_at": step["released_at"],
            "released": format_time(step["released_at"]),
            "release_url": step["release_url"],
        }
        for r in found
        for step in r["estimates"]
    ]
    emit(rows, fmt, [("indicator", "Indicator"), ("period", "Period"), ("estimate", "Estimate"),
                     ("shown", "Value"), ("unit_shown", "Unit"), ("change_shown", "Change"),
                     ("released", "Released")],
         "Revisions" if show_all else "Revised figures (--all for every period)",
         ["indicator", "period", "unit", "estimate", "value", "change", "released_at",
          "release_url"])
    if fmt == "table" and not rows:
        click.echo("no figure has been revised yet (--all lists every period)", err=True)


@main.command()
@click.option("--limit", type=click.IntRange(min=1), help="At most N releases (newest first).")
@format_option()
@click.pass_obj
def releases(app: App, limit: int | None, fmt: str) -> None:
    """Releases stored, newest first, with the ids 'bea-tracker show' takes."""
    from bea_tracker.publish.shapes import releases_shape

    with app.db.session() as session:
        rows = releases_shape(session, limit)
    table = [r | {"released": format_time(r["released_at"])} for r in rows]
    emit(table if fmt == "table" else rows, fmt,
         [("id", "ID"), ("released", "Released"), ("title", "Release"),
          ("release_number", "Number"), ("figures", "Figures"), ("vintages", "Vintages"),
          ("extraction", "Extraction")], "Releases",
         ["id", "title", "url", "release_number", "released_at", "extraction", "figures",
          "vintages"])


@main.command()
@click.argument("release")
@format_option(csv_ok=False)
@click.pass_obj
def show(app: App, release: str, fmt: str) -> None:
    """One release by id, URL or slug (the end of its URL): metadata, lead, figures,
    vintages. 'bea-tracker releases' lists the ids."""
    from bea_tracker.publish.shapes import release_shape

    with app.db.session() as session:
        detail = release_shape(session, release)
    if detail is None:
        fail(f"no release matches {release!r} (see 'bea-tracker releases' for ids)", 1)
    if fmt == "json":
        sys.stdout.write(to_json_text(detail) + "\n")
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.text import Text

    console = Console()
    number = escape(detail["release_number"] or "no number")
    console.print(f"[bold]{escape(detail['title'])}[/bold]  ({number})")
    console.print(Text(f"{detail['url']}\nreleased {format_time(detail['released_at'])}  "
                       f"next release {detail['next_release'] or 'not announced'}  "
                       f"extraction {detail['extraction']}"))
    if detail["lead"]:
        console.print(Text(detail["lead"]), highlight=False)
    emit([_for_people(f | {"release_title": ""}) for f in detail["figures"]], "table",
         FIGURE_COLUMNS[:5], "Figures")
    vintages = [v | {"fetched": format_time(v["fetched_at"]),
                     "source": {"feed_item": "feed"}.get(v["kind"], v["kind"])}
                for v in detail["vintages"]]
    emit(vintages, "table", [("snapshot_id", "Vintage"), ("source", "Source"),
         ("fetched", "Fetched"), ("size", "Bytes"), ("extraction", "Extraction"),
         ("current", "Current")], "Vintages")


@main.command()
@format_option(default="csv", legacy_format=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
@click.pass_obj
def export(app: App, fmt: str, out: str | None) -> None:
    """The whole history: every figure of every vintage (CSV unless --json)."""
    from db.queries import export_figures

    if out and not Path(out).expanduser().resolve().parent.is_dir():
        fail(f"--out {out}: the folder {Path(out).parent} does not exist", 2)
    with app.db.session() as session:
        rows = [r.to_json() for r in export_figures(session)]
    text = to_json_text(rows) + "\n" if fmt == "json" else csv_text(rows, EXPORT_COLUMNS)
    if out:
        try:
            with open(out, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        except OSError as exc:
            fail(f"--out {out}: cannot write: {exc.strerror or exc}", 1)
        click.echo(f"wrote {len(rows)} figures to {out}", err=True)
    else:
        sys.stdout.write(text)
