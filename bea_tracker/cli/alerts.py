"""Commands for alerts: notify, subscribe, deliveries."""

from __future__ import annotations

import sys
from typing import Any

import click

from bea_tracker.app import App
from bea_tracker.cli.group import main
from bea_tracker.cli.options import check_indicator, fail, format_option
from bea_tracker.cli.output import cell, emit, format_time, to_json_text


@main.command()
@click.option("--once", is_flag=True,
              help="Match and send once, then exit (the daemon does this continuously).")
@click.pass_obj
def notify(app: App, once: bool) -> None:
    """Turn new events into outbox rows and deliver what is due (with --once).

    Exits 0 even when sends failed: they stay in the outbox and are retried.
    """
    from bea_tracker.cycles import notify_cycle

    if not once:
        fail("notify runs one round and exits, so it needs --once ('bea-tracker notify "
             "--once'); to notify continuously, run the daemon: 'bea-tracker run'", 2)

    import asyncio

    summary = asyncio.run(notify_cycle(app.config, app.db))
    click.echo(summary.line())


@main.group()
def subscribe() -> None:
    """Manage subscriptions to alerts (one channel each: see subscribe add --help)."""


def _target_dest(kind: str) -> str:
    return f"to_{kind}"


class ChannelOptionsCommand(click.Command):
    """A command that also takes one option per registered channel kind (--email, --slack,
    --webhook, --apprise, ...; flag, metavar and help from the channel class), added when
    the command is first parsed or shown, so importing the CLI does not import the
    channels. Each arrives as the keyword argument ``to_<kind>``."""

    _channels_added = False

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        if not self._channels_added:
            from notifier.channels import CHANNELS

            self.params[:0] = [
                click.Option([c.option.flag, _target_dest(c.kind)], metavar=c.option.metavar,
                             help=c.option.help)
                for c in CHANNELS.values()
            ]
            self._channels_added = True
        return super().get_params(ctx)


def _one_target(targets: dict[str, str | None]) -> tuple[str, str]:
    """The (kind, target) of the one channel option given; exit 2 otherwise."""
    from notifier.channels import CHANNELS

    chosen = [(kind, targets[_target_dest(kind)]) for kind in CHANNELS
              if targets.get(_target_dest(kind))]
    if len(chosen) != 1:
        flags = [channel.option.flag for channel in CHANNELS.values()]
        fail(f"give exactly one of {', '.join(flags[:-1])} or {flags[-1]}", 2)
    kind, target = chosen[0]
    return kind, target or ""


@subscribe.command("add", cls=ChannelOptionsCommand)
@click.option("--name", help="A name to recognise the subscription by.")
@click.option("--indicator", "indicators", multiple=True,
              help="Only releases with this indicator (e.g. real_gdp). Repeatable.")
@click.option("--series", "series", multiple=True,
              help="Only releases whose series or title contains this. Repeatable.")
@click.option("--keyword", "keywords", multiple=True,
              help="Only releases whose title or lead contains this. Repeatable.")
@click.option("--revisions", is_flag=True, help="Also alert revisions of figures.")
@click.option("--min-change", type=click.FloatRange(min=0),
              help="Only revisions that move a figure by at least this much.")
@click.option("--schedule-changes", is_flag=True, help="Also alert moved or added releases.")
@click.option("--source-problems", is_flag=True, help="Also alert when BEA cannot be read.")
@click.option("--digest", type=click.Choice(["daily"]), help="One message per day instead.")
@click.option("--format", "message_format", type=click.Choice(["full", "short"]),
              default="full", show_default=True,
              help="full: every headline figure, revisions and the source; short: one line "
                   "such as 'BEA: GDP Q2 2026 (second) +1.5% (adv +1.5%)'.")
@click.pass_obj
def subscribe_add(app: App, name: str | None, indicators: tuple[str, ...],
                  series: tuple[str, ...], keywords: tuple[str, ...], revisions: bool,
                  min_change: float | None, schedule_changes: bool, source_problems: bool,
                  digest: str | None, message_format: str, **targets: str | None) -> None:
    """Add a subscription; with no filter it gets every new release."""
    from db import indicators as catalogue
    from db.records import SubscriptionFilter
    from notifier.channels import get_channel
    from notifier.errors import InvalidTarget
    from notifier.subscriptions import add_subscription, describe

    for key in indicators:  # a typo would make a subscription that never matches
        check_indicator(key)
    indicators = tuple(catalogue.resolve(key) or key for key in indicators)
    kind, target = _one_target(targets)
    flt = SubscriptionFilter(indicators=indicators, series=series, keywords=keywords,
                             revisions=revisions or min_change is not None,
                             min_change=min_change, schedule_changes=schedule_changes,
                             source_problems=source_problems)
    try:
        channel = get_channel(kind)
        channel.check_destination(channel.validate_target(target),
                                  app.config.delivery.allow_private_targets)
        with app.db.unit_of_work() as session:
            sub = add_subscription(session, kind, target, name=name, filter=flt, digest=digest,
                                   format=message_format)
    except InvalidTarget as exc:
        fail(str(exc), 2)
    shown = describe(sub)
    click.echo(f"added subscription {sub.id}: {shown['kind']} {shown['target']}")
    if sub.secret:
        click.echo(get_channel(sub.kind).secret_notice(sub.secret))


@subscribe.command("list")
@format_option()
@click.pass_obj
def subscribe_list(app: App, fmt: str) -> None:
    """List subscriptions (secret URLs masked)."""
    from notifier.subscriptions import describe, list_subscriptions

    with app.db.session() as session:
        rows = [describe(s) for s in list_subscriptions(session)]
    if fmt == "json":
        sys.stdout.write(to_json_text(rows) + "\n")
        return
    table = [r | {"filters": _filters_text(r["filter"])} for r in rows]
    emit(table, fmt, [("id", "ID"), ("kind", "Kind"), ("target", "Target"),
                      ("name", "Name"), ("filters", "Filters"), ("digest", "Digest"),
                      ("format", "Format"), ("state", "State")], "Subscriptions",
         ["id", "kind", "target", "name", "filters", "digest", "format", "state"])


def _filters_text(flt: dict[str, Any]) -> str:
    """``indicators: real_gdp, pce; revisions`` rather than a dict's repr; empty = everything."""
    parts = []
    for key, value in flt.items():
        if value in ([], (), None, False):
            continue
        parts.append(key if value is True else f"{key}: {cell(value)}")
    return "; ".join(parts) or "every new release"


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
    """Send the latest release now, through the subscription's real channel and format
    (a test message without figures if the database has no release yet)."""
    from datetime import datetime, timezone

    from bea_tracker.wiring import alert_charts, context_factory
    from db.events import latest_release_event
    from notifier.errors import SendError
    from notifier.subscriptions import get_subscription
    from notifier.testmessage import send_test_message

    now = datetime.now(timezone.utc)
    with app.db.session() as session:
        sub = get_subscription(session, sub_id)
        latest = latest_release_event(session, now)
    if sub is None:
        fail(f"no subscription {sub_id}", 1)
    if not sub.active:
        fail(f"subscription {sub_id} was removed; nothing is sent to it", 1)
    try:
        context = context_factory(app.config, alert_charts(app.db))(sub.kind)
        send_test_message(sub, context, now, latest)
    except SendError as exc:
        fail(f"test message to subscription {sub_id} failed: {exc.reason}", 1)
    what = f"the latest release ({latest.release.title})" if latest and latest.release \
        else "a test message"
    click.echo(f"sent {what} to subscription {sub_id} ({sub.format} format)")


@main.group(invoke_without_command=True)
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "dead"]),
              help="Only rows in this state.")
@format_option()
@click.pass_context
def deliveries(ctx: click.Context, status: str | None, fmt: str) -> None:
    """Inspect the outbox: one row per subscription and event."""
    if ctx.invoked_subcommand is not None:
        return
    from db.outbox import list_deliveries

    app: App = ctx.obj
    with app.db.session() as session:
        rows = [delivery.to_json() for delivery in list_deliveries(session, status)]
    if fmt == "table":
        rows = [r | {"next_attempt_at": format_time(r["next_attempt_at"]),
                     "sent_at": format_time(r["sent_at"])} for r in rows]
    emit(rows, fmt, [("id", "ID"), ("subscription", "Sub"), ("kind", "Kind"),
                     ("event_kind", "Event"), ("status", "Status"), ("attempts", "Tries"),
                     ("next_attempt_at", "Next try"), ("sent_at", "Sent"),
                     ("last_error", "Last error")], "Deliveries",
         ["id", "subscription", "kind", "event", "event_kind", "status", "attempts",
          "next_attempt_at", "sent_at", "last_error"])


@deliveries.command("retry")
@click.argument("outbox_id", type=int)
@click.pass_obj
def deliveries_retry(app: App, outbox_id: int) -> None:
    """Put a dead (or waiting) row back in line, due now."""
    from db.outbox import delivery_status, retry_now

    with app.db.unit_of_work() as session:
        if not retry_now(session, outbox_id):
            status = delivery_status(session, outbox_id)
            if status is None:
                fail(f"no such delivery: {outbox_id} (see 'bea-tracker deliveries')", 1)
            why = {"sent": "was already sent", "sending": "is being sent now"}
            fail(f"delivery {outbox_id} {why.get(status, f'is {status}')}; only dead or "
                 "pending deliveries can be retried", 1)
    click.echo(f"outbox row {outbox_id} is due now; run 'bea-tracker notify --once' "
               "or let the daemon send it")
