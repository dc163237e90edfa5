"""Options and helpers every command shares: output format, --since, one-line failures."""

from __future__ import annotations

import sys
from datetime import datetime, timezone

import click


def format_option(csv_ok: bool = True):  # noqa: ANN201 - a click decorator
    """--json / --csv flags, mapped to a ``fmt`` argument."""
    choices = ["--json", "--csv"] if csv_ok else ["--json"]

    def decorate(func):  # noqa: ANN001, ANN202
        func = click.option(
            "--json", "fmt", flag_value="json", help="Print JSON for scripts."
        )(func)
        if "--csv" in choices:
            func = click.option("--csv", "fmt", flag_value="csv", help="Print CSV rows.")(func)
        return click.option("--table", "fmt", flag_value="table", default=True, hidden=True)(func)

    return decorate


def fail(message: str, code: int = 1) -> None:
    """Stop the command with one line on stderr."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)



def parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--since: expected a date such as 2026-01-31, got {value!r}", 2)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
