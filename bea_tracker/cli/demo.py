"""``bea-tracker demo``: the offline demo (kept light: the demo's modules load on use)."""

from __future__ import annotations

import sys

import click

from bea_tracker.app import App
from bea_tracker.cli.group import main


@main.command()
@click.option("--release-in", type=click.FloatRange(5, 600), default=8, show_default=True,
              metavar="SECONDS",
              help="Schedule the simulated release this far ahead (the daemon needs a few "
                   "seconds to start).")
@click.option("--keep", is_flag=True,
              help="Keep the temporary database, config and daemon log (and say where).")
@click.pass_obj
def demo(app: App, release_in: float, keep: bool) -> None:
    """Offline demo: a local copy of BEA on 127.0.0.1, a simulated GDP release, alerts
    delivered to a local SMTP sink and webhook receiver, then the latest figures.

    Needs no internet and no config; takes about 20 seconds. Exits 1 if an alert is missing.
    """
    from rich.console import Console

    from bea_tracker.demo.scenario import Demo
    from bea_tracker.demo.view import show_results

    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 130)
    code = Demo(console, release_in=release_in, keep=keep,
                log_level=app.log_level or "WARNING", show=show_results).run()
    sys.exit(code)
