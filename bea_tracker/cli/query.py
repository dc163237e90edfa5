"""Query commands: latest, history, revisions, show, export."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bea_tracker.app import App
from bea_tracker.cli.group import main
from bea_tracker.cli.options import fail, format_option, parse_since
from bea_tracker.cli.output import csv_text, emit, format_value, to_json_text

EXPORT_COLUMNS = [
    "indicator", "label", "period", "estimate", "value", "unit", "prior_value", "prior_period",
    "release_url", "release_title", "released_at", "fetched_at", "snapshot_id", "current",
]

FIGURE_COLUMNS = [
    ("indicator", "Indicator"),
    ("period", "Period"),
    ("estimate", "Estimate"),
    ("shown", "Value"),
    ("prior", "Prior"),
    ("released", "Released"),
    ("release_title", "Release"),
]


def _for_people(row: dict) -> dict:
    return row | {
        "shown": format_value(row["value"], row["unit"]),
        "prior": (
            f"{format_value(row['prior_value'], row['unit'])} ({row['prior_period']})"
            if row.get("prior_value") is not None
            else ""
        ),
        "released": (row.get("released_at") or "")[:16].replace("T", " "),
    }



@main.command()
@click.option("--indicator", help="Only this indicator key (e.g. real_gdp).")
@format_option()
@click.pass_obj
def latest(app: App, indicator: str | None, fmt: str) -> None:
    """Latest value of each headline indicator."""
    from db.queries import latest_by_indicator

    with app.db.session() as session:
        rows = [r.to_json() for r in latest_by_indicator(session, indicator)]
    emit([_for_people(r) for r in rows] if fmt == "table" else rows, fmt, FIGURE_COLUMNS,
         "Latest BEA headline figures", EXPORT_COLUMNS)


@main.command()
@click.argument("key")
@click.option("--since", help="Only statements released on or after this date.")
@click.option("--vintages", is_flag=True, help="Every stored vintage, not just the current.")
@format_option()
@click.pass_obj
def history(app: App, key: str, since: str | None, vintages: bool, fmt: str) -> None:
    """A series over time, with every estimate of each period."""
    from db.queries import history as history_query

    with app.db.session() as session:
        rows = [r.to_json() for r in history_query(session, key, parse_since(since), vintages)]
    emit([_for_people(r) for r in rows] if fmt == "table" else rows, fmt, FIGURE_COLUMNS,
         f"History of {key}", EXPORT_COLUMNS)


@main.command()
@click.option("--indicator", help="Only this indicator key.")
@format_option()
@click.pass_obj
def revisions(app: App, indicator: str | None, fmt: str) -> None:
    """How each period's figure moved from estimate to estimate."""
    from db.queries import revisions as revisions_query

    with app.db.session() as session:
        found = revisions_query(session, indicator)
    if fmt == "json":
        sys.stdout.write(to_json_text(found) + "\n")
        return
    rows = [
        {"indicator": r["indicator"], "period": r["period"], "unit": r["unit"]}
        | {
            "estimate": step["estimate"],
            "value": step["value"],
            "shown": format_value(step["value"], r["unit"]),
            "change": step["change"],
            "released_at": step["released_at"],
            "release_url": step["release_url"],
        }
        for r in found
        for step in r["estimates"]
    ]
    emit(rows, fmt, [("indicator", "Indicator"), ("period", "Period"), ("estimate", "Estimate"),
                     ("shown", "Value"), ("change", "Change"), ("released_at", "Released")],
         "Revisions", ["indicator", "period", "unit", "estimate", "value", "change",
                       "released_at", "release_url"])


@main.command()
@click.argument("release")
@format_option(csv_ok=False)
@click.pass_obj
def show(app: App, release: str, fmt: str) -> None:
    """One release (id, URL, slug or title): metadata, lead, figures, vintages."""
    from db.queries import find_release, release_detail

    with app.db.session() as session:
        found = find_release(session, release)
        if found is None:
            fail(f"no release matches {release!r} (try an id from 'bea-tracker export')", 1)
        detail = release_detail(session, found)
    if fmt == "json":
        sys.stdout.write(to_json_text(detail) + "\n")
        return
    from rich.console import Console

    console = Console()
    console.print(f"[bold]{detail['title']}[/bold]  ({detail['release_number'] or 'no number'})")
    console.print(f"{detail['url']}\nreleased {detail['released_at']}  "
                  f"next release {detail['next_release']}  extraction {detail['extraction']}")
    if detail["lead"]:
        console.print(detail["lead"], highlight=False)
    emit([_for_people(f | {"release_title": ""}) for f in detail["figures"]], "table",
         FIGURE_COLUMNS[:5], "Figures")
    emit(detail["vintages"], "table", [("snapshot_id", "Snapshot"), ("kind", "Kind"),
         ("fetched_at", "Fetched"), ("size", "Bytes"), ("extraction", "Extraction"),
         ("current", "Current")], "Vintages")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
@click.pass_obj
def export(app: App, fmt: str, out: str | None) -> None:
    """The whole history: every figure of every vintage."""
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
