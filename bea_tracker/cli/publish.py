"""Publishing commands: ``feed`` (Atom) and ``calendar`` (iCalendar), to a file or stdout."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bea_tracker.app import App
from bea_tracker.cli.group import main
from bea_tracker.cli.options import fail


def write_out(out: str | None, data: bytes, what: str) -> None:
    """``data`` to ``out`` (or stdout); an unwritable path is one line: exit 2 for a folder
    that does not exist, 1 when writing fails."""
    if not out:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(out).expanduser()
    if not path.resolve().parent.is_dir():
        fail(f"--out {out}: the folder {path.parent} does not exist", 2)
    if path.is_dir():
        fail(f"--out {out}: is a folder, not a file", 2)
    try:
        path.write_bytes(data)
    except OSError as exc:
        fail(f"--out {out}: cannot write: {exc.strerror or exc}", 1)
    click.echo(f"wrote {what} to {out}", err=True)


OUT = click.option("--out", help="Write to this file instead of standard output.")


@main.command()
@OUT
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="At most N entries (newest first).")
@click.pass_obj
def feed(app: App, out: str | None, limit: int) -> None:
    """An Atom feed of releases and revisions as the tracker saw them (the daemon serves
    it at /feed.atom)."""
    from bea_tracker.publish.atom import atom_feed
    from db.publishing import published_events

    with app.db.session() as session:
        items = published_events(session, limit)
    write_out(out, atom_feed(items, app.config.bea.allowed_hosts), f"{len(items)} entries")


@main.command()
@OUT
@click.option("--days", type=click.IntRange(min=0), default=90, show_default=True,
              help="Past releases from this many days back, with their outcomes.")
@click.pass_obj
def calendar(app: App, out: str | None, days: int) -> None:
    """BEA's release calendar (iCalendar): the upcoming schedule and each past release's
    outcome (the daemon serves it at /calendar.ics)."""
    from datetime import datetime, timedelta, timezone

    from bea_tracker.publish.calendar import ics_calendar
    from db.publishing import calendar_entries

    now = datetime.now(timezone.utc)
    with app.db.session() as session:
        entries = calendar_entries(session, now - timedelta(days=days), now)
    write_out(out, ics_calendar(entries, app.config.bea.allowed_hosts, now),
              f"{len(entries)} events")
