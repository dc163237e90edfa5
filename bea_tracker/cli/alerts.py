"""Commands for alerts: notify, subscribe, deliveries."""

from __future__ import annotations

import asyncio
import sys

import click

from bea_tracker.app import App
from bea_tracker.cli.group import main
from bea_tracker.cli.options import fail, format_option
from bea_tracker.cli.output import emit, to_json_text


@main.command()
@click.option("--once", is_flag=True, required=True,
              help="Match and send once, then exit (the daemon does this continuously).")
@click.pass_obj
def notify(app: App, once: bool) -> None:
    """Turn new events into outbox rows and deliver what is due.

    Exits 0 even when sends failed: they stay in the outbox and are retried.
    """
    from bea_tracker.cycles import notify_cycle

    summary = asyncio.run(notify_cycle(app.config, app.db))
    click.echo(summary.line())


@main.group()
def subscribe() -> None:
    """Manage subscriptions to alerts (e-mail, Slack, webhook)."""


@subscribe.command("add")
@click.option("--email", help="Send alerts to this address.")
@click.option("--slack", help="Slack incoming-webhook URL (kept secret, masked when shown).")
@click.option("--webhook", help="POST JSON alerts to this URL (signed with HMAC-SHA256).")
@click.option("--name", help="A name to recognise the subscription by.")
@click.option("--indicator", "indicators", multiple=True,
              help="Only releases with this indicator (e.g. real_gdp). Repeatable.")
@click.option("--series", "series", multiple=True,
              help="Only releases whose series or title contains this. Repeatable.")
@click.option("--keyword", "keywords", multiple=True,
              help="Only releases whose title or lead contains this. Repeatable.")
@click.option("--revisions", is_flag=True, help="Also alert revisions of figures.")
@click.option("--min-change", type=float,
              help="Only revisions that move a figure by at least this much.")
@click.option("--schedule-changes", is_flag=True, help="Also alert moved or added releases.")
@click.option("--source-problems", is_flag=True, help="Also alert when BEA cannot be read.")
@click.option("--digest", type=click.Choice(["daily"]), help="One message per day instead.")
@click.pass_obj
def subscribe_add(app: App, email: str | None, slack: str | None, webhook: str | None,
                  name: str | None, indicators: tuple[str, ...], series: tuple[str, ...],
                  keywords: tuple[str, ...], revisions: bool, min_change: float | None,
                  schedule_changes: bool, source_problems: bool, digest: str | None) -> None:
    """Add a subscription; with no filter it gets every new release."""
    from db.records import SubscriptionFilter
    from notifier.errors import InvalidTarget
    from notifier.subscriptions import add_subscription, describe

    chosen = [(k, v) for k, v in (("email", email), ("slack", slack), ("webhook", webhook)) if v]
    if len(chosen) != 1:
        fail("give exactly one of --email, --slack or --webhook", 2)
    kind, target = chosen[0]
    flt = SubscriptionFilter(indicators=indicators, series=series, keywords=keywords,
                             revisions=revisions or min_change is not None,
                             min_change=min_change, schedule_changes=schedule_changes,
                             source_problems=source_problems)
    try:
        with app.db.unit_of_work() as session:
            sub = add_subscription(session, kind, target, name=name, filter=flt, digest=digest)
    except InvalidTarget as exc:
        fail(str(exc), 2)
    shown = describe(sub)
    click.echo(f"added subscription {sub.id}: {shown['kind']} {shown['target']}")
    if sub.secret:
        click.echo(f"webhook signing secret (shown once): {sub.secret}")


@subscribe.command("list")
@format_option(csv_ok=False)
@click.pass_obj
def subscribe_list(app: App, fmt: str) -> None:
    """List subscriptions (Slack and webhook URLs masked)."""
    from notifier.subscriptions import describe, list_subscriptions

    with app.db.session() as session:
        rows = [describe(s) for s in list_subscriptions(session)]
    if fmt == "json":
        sys.stdout.write(to_json_text(rows) + "\n")
        return
    table = [r | {"filters": ", ".join(f"{k}={v}" for k, v in r["filter"].items()
                                       if v not in ([], None, False))} for r in rows]
    emit(table, "table", [("id", "ID"), ("kind", "Kind"), ("target", "Target"),
                          ("name", "Name"), ("filters", "Filters"), ("digest", "Digest"),
                          ("active", "Active")], "Subscriptions")


@subscribe.command("remove")
@click.argument("sub_id", type=int)
@click.pass_obj
def subscribe_remove(app: App, sub_id: int) -> None:
    """Stop a subscription (its delivery history is kept)."""
    from notifier.subscriptions import remove_subscription

    with app.db.unit_of_work() as session:
        if not remove_subscription(session, sub_id):
            fail(f"no active subscription {sub_id}", 1)
    click.echo(f"removed subscription {sub_id}")


@subscribe.command("test")
@click.argument("sub_id", type=int)
@click.pass_obj
def subscribe_test(app: App, sub_id: int) -> None:
    """Send a test message now, through the subscription's real channel."""
    from datetime import datetime, timezone

    from bea_tracker.wiring import context_factory
    from notifier.errors import SendError
    from notifier.subscriptions import get_subscription
    from notifier.testmessage import send_test_message

    with app.db.session() as session:
        sub = get_subscription(session, sub_id)
    if sub is None:
        fail(f"no subscription {sub_id}", 1)
    try:
        context = context_factory(app.config, None)(sub.kind)
        send_test_message(sub, context, datetime.now(timezone.utc))
    except SendError as exc:
        fail(f"test message to subscription {sub_id} failed: {exc.reason}", 1)
    click.echo(f"test message sent to subscription {sub_id}")


@main.group(invoke_without_command=True)
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "dead"]),
              help="Only rows in this state.")
@format_option(csv_ok=False)
@click.pass_context
def deliveries(ctx: click.Context, status: str | None, fmt: str) -> None:
    """Inspect the outbox: one row per subscription and event."""
    if ctx.invoked_subcommand is not None:
        return
    from db.outbox import list_deliveries

    app: App = ctx.obj
    with app.db.session() as session:
        rows = [
            {"id": row.id, "subscription": sub.id, "kind": sub.kind, "event": event.id,
             "event_kind": event.kind, "status": row.status, "attempts": row.attempts,
             "next_attempt_at": row.next_attempt_at.isoformat(),
             "sent_at": row.sent_at.isoformat() if row.sent_at else None,
             "last_error": row.last_error}
            for row, sub, event in list_deliveries(session, status)
        ]
    emit(rows, fmt, [("id", "ID"), ("subscription", "Sub"), ("kind", "Kind"),
                     ("event_kind", "Event"), ("status", "Status"), ("attempts", "Tries"),
                     ("next_attempt_at", "Next try"), ("sent_at", "Sent"),
                     ("last_error", "Last error")], "Deliveries")


@deliveries.command("retry")
@click.argument("outbox_id", type=int)
@click.pass_obj
def deliveries_retry(app: App, outbox_id: int) -> None:
    """Put a dead (or waiting) row back in line, due now."""
    from db.outbox import retry_now

    with app.db.unit_of_work() as session:
        if not retry_now(session, outbox_id):
            fail(f"outbox row {outbox_id} is not dead or pending", 1)
    click.echo(f"outbox row {outbox_id} is due now; run 'bea-tracker notify --once' "
               "or let the daemon send it")
