"""Managing subscriptions after ``add``: edit, pause, resume, rotate-secret, export, import.

``export``/``import`` use a YAML file, so a set of subscriptions can live in version control
(like urlwatch's jobs file). Import is all or nothing: every entry is validated first, and
an entry identical to a live subscription is left alone, so importing the same file twice
changes nothing.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from bea_tracker.app import App
from bea_tracker.cli.alerts import subscribe
from bea_tracker.cli.options import check_indicator, fail, indicator_problem

#: filter keys in the YAML file, with their defaults (a default is left out on export)
FILTER_DEFAULTS: dict[str, Any] = {
    "indicators": [], "series": [], "keywords": [], "revisions": False, "min_change": None,
    "schedule_changes": False, "source_problems": False,
}
ENTRY_KEYS = ("kind", "target", "name", *FILTER_DEFAULTS, "digest", "format", "paused")
HEADER = ("# bea-tracker subscriptions ('bea-tracker subscribe import FILE' adds them).\n"
          "# Slack and webhook URLs are secrets: keep this file private. Webhook signing\n"
          "# secrets are not exported; an imported webhook gets a new one (printed once).\n")


def _indicators(keys: tuple[str, ...]) -> tuple[str, ...]:
    from db import indicators as catalogue

    for key in keys:
        check_indicator(key)
    return tuple(catalogue.resolve(key) or key for key in keys)


@subscribe.command("edit")
@click.argument("sub_id", type=int)
@click.option("--name", help="A new name.")
@click.option("--indicator", "indicators", multiple=True,
              help="Only releases with these indicators (replaces the list). Repeatable.")
@click.option("--series", "series", multiple=True, help="Replaces the series filter.")
@click.option("--keyword", "keywords", multiple=True, help="Replaces the keyword filter.")
@click.option("--clear-filters", is_flag=True,
              help="Drop the indicator, series and keyword filters (every new release).")
@click.option("--revisions/--no-revisions", default=None, help="Alert revisions, or not.")
@click.option("--min-change", type=click.FloatRange(min=0),
              help="Only revisions moving a figure this much (0 or more).")
@click.option("--schedule-changes/--no-schedule-changes", default=None)
@click.option("--source-problems/--no-source-problems", default=None)
@click.option("--digest", type=click.Choice(["daily", "none"]),
              help="daily: one message a day; none: each alert at once.")
@click.option("--format", "message_format", type=click.Choice(["full", "short"]))
@click.pass_obj
def subscribe_edit(app: App, sub_id: int, name: str | None, indicators: tuple[str, ...],
                   series: tuple[str, ...], keywords: tuple[str, ...], clear_filters: bool,
                   revisions: bool | None, min_change: float | None,
                   schedule_changes: bool | None, source_problems: bool | None,
                   digest: str | None, message_format: str | None) -> None:
    """Change a subscription's name, filters, digest or format (what is not given stays)."""
    from dataclasses import replace

    from notifier.errors import InvalidTarget
    from notifier.subscriptions import describe, edit_subscription, get_subscription

    with app.db.session() as session:
        current = get_subscription(session, sub_id)
    if current is None or not current.active:
        fail(f"no active subscription {sub_id} (see 'bea-tracker subscribe list')", 1)
    assert current is not None
    flt = current.filter
    if clear_filters:
        flt = replace(flt, indicators=(), series=(), keywords=())
    given: dict[str, Any] = {
        "indicators": _indicators(indicators) if indicators else None,
        "series": series or None, "keywords": keywords or None, "revisions": revisions,
        "min_change": min_change, "schedule_changes": schedule_changes,
        "source_problems": source_problems}
    flt = replace(flt, **{k: v for k, v in given.items() if v is not None})
    if min_change is not None:
        flt = replace(flt, revisions=True)
    changes: dict[str, Any] = {"filter": flt}
    if name is not None:
        changes["name"] = name
    if digest is not None:
        changes["digest"] = None if digest == "none" else digest
    if message_format is not None:
        changes["format"] = message_format
    try:
        with app.db.unit_of_work() as session:
            sub = edit_subscription(session, sub_id, **changes)
    except InvalidTarget as exc:
        fail(str(exc), 2)
    click.echo(f"updated subscription {sub.id}: {describe(sub)['target']}")


def _set_paused(app: App, sub_id: int, paused: bool) -> None:
    from notifier.subscriptions import cancel_queued_alerts, pause_subscription

    cancelled = 0
    with app.db.unit_of_work() as session:
        sub = pause_subscription(session, sub_id, paused)
        if sub is not None and paused:
            cancelled = cancel_queued_alerts(session, sub_id)
    if sub is None:
        fail(f"no active subscription {sub_id} (see 'bea-tracker subscribe list')", 1)
    click.echo(f"{'paused' if paused else 'resumed'} subscription {sub_id}"
               + (f"; {cancelled} queued alert(s) cancelled" if cancelled else ""))


@subscribe.command("pause")
@click.argument("sub_id", type=int)
@click.pass_obj
def subscribe_pause(app: App, sub_id: int) -> None:
    """Stop alerts to a subscription until it is resumed (releases meanwhile are skipped;
    alerts already queued for it are cancelled)."""
    _set_paused(app, sub_id, True)


@subscribe.command("resume")
@click.argument("sub_id", type=int)
@click.pass_obj
def subscribe_resume(app: App, sub_id: int) -> None:
    """Alert a paused subscription again, from the next release on."""
    _set_paused(app, sub_id, False)


@subscribe.command("rotate-secret")
@click.argument("sub_id", type=int)
@click.pass_obj
def subscribe_rotate_secret(app: App, sub_id: int) -> None:
    """Give a webhook subscription a new signing secret (printed once; the old one stops
    working at once, retries included)."""
    from notifier.channels import get_channel
    from notifier.errors import InvalidTarget
    from notifier.subscriptions import rotate_secret

    try:
        with app.db.unit_of_work() as session:
            sub = rotate_secret(session, sub_id)
    except LookupError as exc:
        fail(f"{exc.args[0]} (see 'bea-tracker subscribe list')", 1)
    except InvalidTarget as exc:
        fail(str(exc), 2)
    click.echo(f"new secret for subscription {sub_id}")
    click.echo(get_channel(sub.kind).secret_notice(sub.secret or ""))


def to_entry(sub: Any) -> dict[str, Any]:
    """A subscription as a YAML entry: defaults left out, the real target (not masked)."""
    from dataclasses import asdict

    entry: dict[str, Any] = {"kind": sub.kind, "target": sub.target}
    if sub.name:
        entry["name"] = sub.name
    for key, value in asdict(sub.filter).items():
        value = list(value) if isinstance(value, tuple) else value
        if value != FILTER_DEFAULTS[key]:
            entry[key] = value
    if sub.digest:
        entry["digest"] = sub.digest
    if sub.format != "full":
        entry["format"] = sub.format
    if sub.paused:
        entry["paused"] = True
    return entry


@subscribe.command("export")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file.")
@click.pass_obj
def subscribe_export(app: App, out: str | None) -> None:
    """Write the live subscriptions (active and paused) as YAML, for 'subscribe import'."""
    import yaml

    from notifier.subscriptions import list_subscriptions

    with app.db.session() as session:
        subs = [s for s in list_subscriptions(session) if s.active]
    text = HEADER + yaml.safe_dump({"subscriptions": [to_entry(s) for s in subs]},
                                   sort_keys=False, allow_unicode=True)
    if out:
        try:
            with open(out, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            fail(f"--out {out}: cannot write: {exc.strerror or exc}", 1)
        click.echo(f"wrote {len(subs)} subscriptions to {out}", err=True)
    else:
        sys.stdout.write(text)


def _entries(path: str) -> list[dict[str, Any]]:
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as exc:
        fail(f"{path}: cannot read: {exc.strerror or exc}", 2)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        fail(f"{path}:{f' line {mark.line + 1}' if mark else ''} is not valid YAML", 2)
    entries = data.get("subscriptions") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        fail(f"{path}: expected 'subscriptions:' with a list of entries", 2)
    for number, entry in enumerate(entries, 1):
        unknown = sorted(set(entry) - set(ENTRY_KEYS))
        if unknown:
            fail(f"{path}: entry {number}: unknown key {unknown[0]!r} "
                 f"(allowed: {', '.join(ENTRY_KEYS)})", 2)
        if not entry.get("kind") or not entry.get("target"):
            fail(f"{path}: entry {number}: 'kind' and 'target' are required", 2)
        keys = entry.get("indicators") or []
        for key in [keys] if isinstance(keys, str) else keys:
            problem = indicator_problem(str(key))
            if problem:
                fail(f"{path}: entry {number}: {problem} (nothing imported)", 2)
    return entries


def _filter_of(entry: dict[str, Any]) -> Any:
    from db.records import SubscriptionFilter

    def listed(key: str) -> tuple[str, ...]:
        value = entry.get(key) or []
        return tuple(str(v) for v in ([value] if isinstance(value, str) else value))

    min_change = entry.get("min_change")
    return SubscriptionFilter(
        indicators=_indicators(listed("indicators")), series=listed("series"),
        keywords=listed("keywords"),
        revisions=bool(entry.get("revisions")) or min_change is not None,
        min_change=None if min_change is None else float(min_change),
        schedule_changes=bool(entry.get("schedule_changes")),
        source_problems=bool(entry.get("source_problems")))


@subscribe.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
def subscribe_import(app: App, path: str) -> None:
    """Add the subscriptions of a YAML file ('subscribe export' writes one). All or nothing;
    an entry identical to a live subscription is left as it is."""
    from notifier.channels import get_channel
    from notifier.errors import InvalidTarget
    from notifier.subscriptions import (
        DuplicateSubscription,
        add_subscription,
        pause_subscription,
    )

    app.db  # noqa: B018 - the config and the database first: their errors come first
    entries = _entries(path)
    added, kept, notices = [], 0, []
    try:
        with app.db.unit_of_work() as session:  # one transaction: all or nothing
            for number, entry in enumerate(entries, 1):
                try:
                    channel = get_channel(str(entry["kind"]))  # where it points, as in add
                    channel.check_destination(channel.validate_target(str(entry["target"])),
                                              app.config.delivery.allow_private_targets)
                    sub = add_subscription(
                        session, str(entry["kind"]), str(entry["target"]),
                        name=entry.get("name"), filter=_filter_of(entry),
                        digest=entry.get("digest"), format=entry.get("format") or "full")
                except DuplicateSubscription:
                    kept += 1
                    continue
                except (InvalidTarget, KeyError, TypeError, ValueError) as exc:
                    raise InvalidTarget(f"{path}: entry {number}: {exc}") from None
                if entry.get("paused"):
                    pause_subscription(session, sub.id, True)
                added.append(sub.id)
                if sub.secret:
                    notices.append(f"subscription {sub.id}: "
                                   + get_channel(sub.kind).secret_notice(sub.secret))
    except InvalidTarget as exc:
        fail(f"{exc} (nothing imported)", 2)
    for line in notices:
        click.echo(line)
    click.echo(f"imported {len(added)} subscriptions"
               + (f" ({', '.join(map(str, added))})" if added else "")
               + (f"; {kept} already present" if kept else ""))
