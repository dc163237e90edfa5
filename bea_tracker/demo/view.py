"""How the offline demo shows what arrived: the e-mail, the webhook and Slack messages,
per-channel latency, and the ``latest`` table."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timezone
from email.message import EmailMessage

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bea_tracker.app import App
from bea_tracker.cli.output import format_value, prior_cell
from bea_tracker.demo.scenario import Arrival, Demo

EMAIL_LINES = 10


def show_results(demo: Demo, arrivals: dict[str, Arrival]) -> None:
    """What arrived, per channel, how late, and the ``latest`` table."""
    console = demo.console
    console.print()
    _show_email(console, arrivals["e-mail"])
    _show_webhook(console, arrivals["webhook"], demo.secrets.get("webhook"))
    _show_slack(console, arrivals["Slack"])
    _show_latency(console, arrivals, demo.publication.page_at)
    _show_latest(console, demo.app)


def _show_email(console: Console, arrival: Arrival) -> None:
    mail = arrival.item.message
    part = mail.get_body(("plain",))
    lines = part.get_content().splitlines() if part is not None else []
    shown = lines[:EMAIL_LINES] + ([f"... ({len(lines) - EMAIL_LINES} more lines)"]
                                   if len(lines) > EMAIL_LINES else [])
    body = Text(f"Subject: {mail['Subject']}\n", style="bold")
    body.append(f"From: {mail['From']}\n\n", style="")
    body.append("\n".join(shown), style="")
    chart = _inline_chart(mail)
    if chart:
        body.append(f"\n\n{chart}", style="italic")
    console.print(Panel(body, title=f"e-mail to {', '.join(arrival.item.rcpt_tos)}",
                        title_align="left"))


def _inline_chart(mail: EmailMessage) -> str | None:
    """``inline chart: 23 KB PNG, shown in the HTML part`` when the HTML part embeds one."""
    html = mail.get_body(("html",))
    text = html.get_content() if html is not None else ""
    for part in mail.walk():
        cid = (part.get("Content-ID") or "").strip("<>")
        if part.get_content_type() == "image/png" and cid and f"cid:{cid}" in text:
            size = len(part.get_content()) / 1024
            return f"inline chart: {size:.0f} KB PNG, shown in the HTML part"
    return None


def _show_webhook(console: Console, arrival: Arrival, secret: str | None) -> None:
    call = arrival.item
    payload = call.json or {}
    signature = call.headers.get("x-bea-tracker-signature", "")
    expected = "sha256=" + hmac.new((secret or "").encode(), call.body,
                                    hashlib.sha256).hexdigest()
    signed = "signature verified" if secret and hmac.compare_digest(signature, expected) \
        else "signature NOT verified"
    event = (payload.get("events") or [{}])[0]
    release = event.get("release") or {}
    console.print(Text(f"webhook {call.method} {call.path}: {payload.get('schema')}, "
                       f"{payload.get('kind')}, {signed}", style="bold"))
    console.print(Text(f"release: {release.get('title')}"))
    table = Table()
    for heading in ("Indicator", "Period", "Estimate", "Value", "Prior"):
        table.add_column(heading)
    for fig in release.get("figures", []):
        table.add_row(fig["indicator"], fig["period"], fig.get("estimate") or "",
                      format_value(fig["value"], fig["unit"]), prior_cell(fig))
    console.print(table)


def _show_slack(console: Console, arrival: Arrival) -> None:
    payload = arrival.item.json or {}
    console.print(Text(f"Slack message ({len(payload.get('blocks', []))} Block Kit blocks): "
                       f"{payload.get('text', '')}"))
    console.print()


def _show_latency(console: Console, arrivals: dict[str, Arrival], page_at: datetime) -> None:
    console.print(Text(f"From publication (page live at {_clock(page_at)} UTC) to delivery",
                       style="bold"))
    table = Table()
    for heading in ("Channel", "Arrived (UTC)", "After publication"):
        table.add_column(heading)
    for arrival in sorted(arrivals.values(), key=lambda a: a.at):
        table.add_row(arrival.channel, _clock(arrival.at, millis=True),
                      f"{(arrival.at - page_at).total_seconds():.2f} s")
    console.print(table)
    console.print()


def _show_latest(console: Console, app: App) -> None:
    from db.queries import latest_by_indicator

    with app.db.session() as session:
        rows = [r.to_json() for r in latest_by_indicator(session)]
    console.print(Text("bea-tracker latest", style="bold"))
    table = Table()
    for heading in ("Indicator", "Period", "Value", "Prior", "Released"):
        table.add_column(heading, no_wrap=True)
    for row in rows:
        period = f"{row['period']} {row.get('estimate') or ''}".strip()
        table.add_row(row["indicator"], period, format_value(row["value"], row["unit"]),
                      prior_cell(row), (row.get("released_at") or "")[:10])
    console.print(table)


def _clock(moment: datetime, millis: bool = False) -> str:
    text = moment.astimezone(timezone.utc).strftime("%H:%M:%S.%f" if millis else "%H:%M:%S")
    return text[:-3] if millis else text
