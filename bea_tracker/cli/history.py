"""``plot``: an indicator's history as a chart (PNG or in the terminal)."""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

import click

from bea_tracker.app import App
from bea_tracker.cli.group import main
from bea_tracker.cli.options import check_indicator, fail, parse_day

logger = logging.getLogger(__name__)


def _parse_size(size: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", size)
    if not match or not (100 <= int(match[1]) <= 8000 and 100 <= int(match[2]) <= 8000):
        fail(f"--size: expected WIDTHxHEIGHT in pixels (100-8000), got {size!r}", 2)
    assert match is not None
    return int(match[1]), int(match[2])


@main.command()
@click.argument("key")
@click.option("--since", help="Only periods from this date on "
                              "(2026, 2026-01, 2026-01-31 or an ISO time).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="PNG file to write.")
@click.option("--terminal", is_flag=True, help="Draw the chart in the terminal (plotext).")
@click.option("--size", default="1200x675", show_default=True,
              help="PNG size in pixels, WIDTHxHEIGHT.")
@click.option("--unit", help="The unit to draw when the indicator has several.")
@click.option("--vintages", is_flag=True,
              help="Also draw superseded vintages of a release page (a corrected page).")
@click.pass_obj
def plot(app: App, key: str, since: str | None, out: Path | None, terminal: bool, size: str,
         unit: str | None, vintages: bool) -> None:
    """Chart an indicator over time, each estimate marked (advance, second, third, later
    releases' restatements): the path of each period, as ALFRED draws vintages."""
    from bea_tracker.history.plotting import (
        PlotUnavailable,
        build_series,
        render_png,
        render_terminal,
    )
    from db.queries import history, known_indicators

    if not out and not terminal:
        fail("give --out FILE.png, or --terminal to draw in the terminal", 2)
    width, height = _parse_size(size)
    first_day = parse_day(since, "--since")
    with app.db.session() as session:
        stored = known_indicators(session)
        check_indicator(key, stored)
        series = build_series(key, history(session, key, vintages=vintages), first_day, unit)
    if series is None:
        when = f" for periods from {first_day}" if first_day else ""
        hint = "" if key in stored else " (run 'bea-tracker backfill' or 'poll' first)"
        fail(f"no figures stored for {key}{when}{unit and f' in {unit}' or ''}{hint}", 1)
    assert series is not None
    if series.other_units:
        click.echo(f"note: drawing {series.unit}; also stored: "
                   f"{', '.join(series.other_units)} (choose with --unit)", err=True)
    try:
        if terminal:
            click.echo(render_terminal(series, color=sys.stdout.isatty()), nl=False)
        if out:
            render_png(series, out, width, height)
            click.echo(f"wrote {out} ({width}x{height}, {len(series.points)} points)", err=True)
    except PlotUnavailable as exc:
        fail(str(exc), 1)
