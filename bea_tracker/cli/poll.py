"""``bea-tracker poll`` and ``parse``: fetch and store without sending; parse saved files."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from bea_tracker.app import App
from bea_tracker.cli.group import main
from bea_tracker.cli.options import fail
from bea_tracker.cli.output import to_json_text

logger = logging.getLogger(__name__)


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--url", help="The page's URL (release pages: used for the record's url).")
@click.option("--text", "as_text", is_flag=True,
              help="PATH is plain release text (e.g. the body of a BEA e-mail; '-' reads "
                   "stdin); give its --title.")
@click.option("--title", help="With --text: the release title, e.g. 'Personal Income and "
                              "Outlays, October and November 2025'.")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON (record shapes: README, 'The release history').")
def parse(path: str, url: str | None, as_text: bool, title: str | None,
          as_json: bool) -> None:
    """Parse a saved feed, release page, schedule HTML or ICS file and print the records.

    With --text and --title, PATH is plain text and the release's family extractor reads it.
    """
    if as_text != bool(title):
        fail("--text and --title go together: parse --text FILE --title 'Release title'", 2)
    if as_text:
        record = _parse_text(path, title or "", url)
    else:
        record = _parse_document(path, url)
    shape = record.to_json()
    if as_json:
        sys.stdout.write(to_json_text(shape) + "\n")
        return
    _print_parsed(shape)


def _parse_document(path: str, url: str | None) -> Any:
    from scraper.detect import parse_document
    from scraper.errors import UnrecognisedDocument

    if path == "-":
        fail("reading stdin needs --text and --title", 2)
    data = Path(path).read_bytes()
    try:
        return parse_document(data, url or Path(path).resolve().as_uri())
    except UnrecognisedDocument as exc:
        fail(f"{path}: {exc}", 1)


def _parse_text(path: str, title: str, url: str | None) -> Any:
    from scraper.extract import extract_text
    from scraper.extract.page import decode_html

    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    return extract_text(title, decode_html(data), url or "")


def _print_parsed(shape: dict) -> None:
    from rich.console import Console
    from rich.markup import escape as e

    console = Console()
    kind = shape["kind"]
    if kind == "release":
        number = f" ({shape['release_number']})" if shape["release_number"] else ""
        released = f", released {shape['released_at']}" if shape["released_at"] else ""
        console.print(f"[bold]{e(shape['title'])}[/bold]{e(number)}{released}, "
                      f"extraction {shape['extraction']}")
        for fig in shape["figures"]:
            console.print(f"  {fig['indicator']:28s} {fig['period']:8s} "
                          f"{fig['estimate'] or '':14s} {fig['value']} {fig['unit']}")
    elif kind == "feed":
        console.print(f"[bold]{e(shape['title'] or '')}[/bold]: {len(shape['items'])} items")
        for item in shape["items"]:
            console.print(f"  {item['published'] or '':25s} {e(item['title'])}")
    else:
        console.print(f"schedule: {len(shape['events'])} events, "
                      f"{len(shape['unscheduled'])} unscheduled")
        for event in shape["events"]:
            console.print(f"  {event['starts_at']}  {e(event['title'])} {e(event['period'] or '')}")
    for problem in shape.get("problems", []):
        console.print(f"  [yellow]problem:[/yellow] {e(problem)}")


@main.command()
@click.option("--once", is_flag=True,
              help="Poll once and exit (the daemon is 'bea-tracker run').")
@click.option("--notify-existing", is_flag=True,
              help="On a first poll, treat the feed's existing items as new (alert them).")
@click.option("--no-schedule", is_flag=True, help="Skip the schedule refresh.")
@click.pass_obj
def poll(app: App, once: bool, notify_existing: bool, no_schedule: bool) -> None:
    """Poll the feed and schedule, crawl new or changed release pages, store; no sending.

    A source that fails (an HTTP error, a malformed feed, a page that cannot be had) is
    reported and logged, and the poll still exits 0; only a failure of the poll itself
    (e.g. the database) exits 1.
    """
    from bea_tracker.cycles import poll_cycle
    from bea_tracker.reactor import run_in_reactor

    if not once:
        fail("poll runs one round and exits, so it needs --once ('bea-tracker poll --once'); "
             "to poll continuously, run the daemon: 'bea-tracker run'", 2)

    app.config  # noqa: B018 - validate the config (exit 2) before anything runs
    app.db  # noqa: B018 - open and migrate the database first (its own one-line errors)
    try:
        lines = run_in_reactor(lambda: poll_cycle(app, notify_existing, not no_schedule))
    except Exception as exc:  # the job boundary: one line for people, the rest in the log
        logger.error("poll failed", exc_info=True)
        fail(f"poll failed: {exc}", 1)
    for line in lines:
        click.echo(line)
