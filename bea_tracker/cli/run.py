"""``bea-tracker run`` (the daemon, or one cycle) and ``bea-tracker status``."""

from __future__ import annotations

import logging
import os
import sys

import click

from bea_tracker.app import App
from bea_tracker.cli.group import main
from bea_tracker.cli.options import fail, format_option
from bea_tracker.cli.output import to_json_text

logger = logging.getLogger(__name__)


@main.command()
@click.option("--once", is_flag=True, help="One full cycle (poll, then notify) and exit.")
@click.option("--log-format", type=click.Choice(["text", "json"]), default=None,
              help="Log lines as text (default) or JSON objects.")
@click.pass_obj
def run(app: App, once: bool, log_format: str | None) -> None:
    """Run the daemon: poll BEA, crawl, store and alert until stopped (SIGTERM/SIGINT)."""
    from bea_tracker import signals

    if once:
        signals.release()
    else:
        signals.defer()  # SIGTERM during start-up: recorded, honoured at the next step
    from bea_tracker.app import setup_logging
    from bea_tracker.reactor import run_in_reactor

    config = app.config
    if log_format:
        setup_logging(app.log_level or config.logging.level, log_format)
    if once:
        from bea_tracker.cycles import notify_cycle, poll_cycle

        async def cycle() -> list[str]:
            lines = await poll_cycle(app)
            lines.append((await notify_cycle(config, app.db)).line())
            return lines

        app.db  # noqa: B018 - an unusable database is its own one-line error (exit 1 or 2)
        try:
            lines = run_in_reactor(cycle)
        except Exception as exc:  # the job boundary: one line for people, the rest in the log
            logger.error("run --once failed", exc_info=True)
            fail(f"run --once failed: {type(exc).__name__}: {exc}", 1)
        for line in lines:
            click.echo(line)
        return
    app.db  # noqa: B018 - migrate before the loop starts
    logger.info("daemon starting (pid %d)", os.getpid())
    from bea_tracker.daemon.service import Daemon
    from bea_tracker.errors import AlreadyRunning

    if signals.requested():
        logger.info("daemon stopped during start-up (SIGTERM)")
        sys.exit(0)
    try:
        code = run_in_reactor(lambda: Daemon(app).run())
    except AlreadyRunning as exc:
        fail(str(exc), 2)
    sys.exit(code)


@main.command()
@format_option(csv_ok=False)
@click.pass_obj
def status(app: App, fmt: str) -> None:
    """Daemon heartbeat, health, last poll, next scheduled release, outbox counts, last error.

    Exits 0 when the daemon runs and is healthy, 1 when it is down or unhealthy (so it can
    serve as a health check).
    """
    from bea_tracker.daemon.status import collect_status, print_status

    info = collect_status(app.db, app.config)
    if fmt == "json":
        sys.stdout.write(to_json_text(info) + "\n")
    else:
        print_status(info)
    if not info["healthy"]:
        fail(info["problem"], 1)


@main.command()
@click.option("--since", help="Only releases first seen on or after this date.")
@format_option()
@click.pass_obj
def latency(app: App, since: str | None, fmt: str) -> None:
    """How late each release was seen (page, feed) and alerted, per channel, with medians."""
    from bea_tracker.cli.options import parse_since
    from bea_tracker.cli.output import emit
    from db.latency import latency_medians, release_latency

    with app.db.session() as session:
        rows = release_latency(session, parse_since(since))
    medians = latency_medians(rows)
    if fmt == "json":
        sys.stdout.write(to_json_text({"releases": rows, "medians": medians}) + "\n")
        return
    flat = [r | {"delivered": " ".join(f"{k}={v}" for k, v in r["delivered"].items())}
            for r in rows]
    if fmt == "table":  # one time style, with its zone (CSV keeps ISO 8601)
        from bea_tracker.cli.output import format_time

        times = ("scheduled_at", "page_first_seen_at", "feed_first_seen_at")
        flat = [r | {k: format_time(r.get(k)) for k in times} for r in flat]
    emit(flat, fmt, [("title", "Release"), ("scheduled_at", "Scheduled"),
                     ("page_first_seen_at", "Page live"), ("feed_first_seen_at", "In feed"),
                     ("page_ahead_of_feed_s", "Page ahead (s)"),
                     ("alert_after_schedule_s", "Alert after schedule (s)")],
         "Release latency", ["release_url", "title", "scheduled_at", "page_first_seen_at",
                             "feed_first_seen_at", "first_delivery_at",
                             "seen_after_schedule_s", "page_ahead_of_feed_s",
                             "alert_after_seen_s", "alert_after_schedule_s", "delivered"])
    if fmt == "table":
        click.echo("medians: " + ", ".join(f"{k}={v}" for k, v in medians.items()))
