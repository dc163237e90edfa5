"""``bea-tracker audit``: re-extract every stored page with the current extractors."""

from __future__ import annotations

import logging
import sys

import click

from bea_tracker.app import App
from bea_tracker.cli.group import main
from bea_tracker.cli.output import to_json_text

logger = logging.getLogger(__name__)


@main.command()
@click.option("--apply", "apply", is_flag=True,
              help="Store the re-extractions as new vintages (no alerts are sent).")
@click.option("--all", "show_all", is_flag=True, help="List unchanged releases too.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def audit(app: App, apply: bool, show_all: bool, as_json: bool) -> None:
    """Re-extract every stored release page with the current extractors and report, per
    release, the figures added, changed and lost. Run it after an extractor changes;
    --apply stores the corrections as new vintages without alerting anyone."""
    from bea_tracker.history.audit import run_audit

    entries = run_audit(app.db, apply=apply)
    if as_json:
        sys.stdout.write(to_json_text([e.to_json() for e in entries]) + "\n")
        return
    touched = [e for e in entries if e.changes or e.old_extraction != e.new_extraction]
    for entry in entries if show_all else touched:
        status = (entry.new_extraction if entry.old_extraction == entry.new_extraction
                  else f"{entry.old_extraction} -> {entry.new_extraction}")
        click.echo(f"{entry.title}: {entry.count('added')} added, {entry.count('changed')} "
                   f"changed, {entry.count('lost')} lost ({status})")
        for change in entry.changes:
            old, new = change.old, change.new
            fig = new or old
            assert fig is not None
            was = f"{old.value} {old.estimate or ''}".strip() if old else "-"
            now = f"{new.value} {new.estimate or ''}".strip() if new else "-"
            click.echo(f"  {change.kind:7s} {fig.indicator} {fig.period} {fig.unit}: "
                       f"{was} -> {now}")
    verb = "stored as new vintages" if apply else "not stored (use --apply)"
    click.echo(f"{len(entries)} releases audited, {len(touched)} with corrections"
               f"{', ' + verb if touched else ''}")
