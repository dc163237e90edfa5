"""Options and helpers every command shares: output format, --since, indicator keys,
one-line failures. One grammar for every command."""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone
from typing import Any, NoReturn, TypeVar, cast

import click

F = TypeVar("F", bound=Callable[..., Any])


def format_option(
    csv_ok: bool = True, default: str = "table", legacy_format: bool = False
) -> Callable[[F], F]:
    """``--json`` / ``--csv`` (mutually exclusive), passed to the command as ``fmt``.

    ``legacy_format`` keeps a hidden ``--format csv|json`` for commands that had it.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def command(*args: Any, **kwargs: Any) -> Any:
            chosen = [name for name in ("json", "csv") if kwargs.pop(f"as_{name}", False)]
            legacy = kwargs.pop("legacy_fmt", None)
            if legacy and legacy not in chosen:
                chosen.append(legacy)
            if len(chosen) > 1:
                raise click.UsageError("--json and --csv cannot be used together")
            kwargs["fmt"] = chosen[0] if chosen else default
            return func(*args, **kwargs)

        if legacy_format:
            command = click.option("--format", "legacy_fmt", type=click.Choice(["csv", "json"]),
                                   hidden=True)(command)
        if csv_ok:
            command = click.option("--csv", "as_csv", is_flag=True,
                                   help="Print CSV rows.")(command)
        return cast(F, click.option("--json", "as_json", is_flag=True,
                                    help="Print JSON for scripts.")(command))

    return decorate


def fail(message: str, code: int = 1) -> NoReturn:
    """Stop the command with one line on stderr."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def since_from_text(value: str) -> datetime:
    """``2026``, ``2026-01``, ``2026-01-31`` or an ISO datetime -> an aware datetime (UTC
    unless the value names its zone); raises ValueError with the grammar. One grammar for
    every command and the JSON API."""
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        text += "-01-01"
    elif re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date such as 2026, 2026-01, 2026-01-31 or "
                         f"2026-01-31T08:30-05:00, got {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_since(value: str | None, option: str = "--since") -> datetime | None:
    """:func:`since_from_text` for a command line option: a bad value exits 2."""
    if not value:
        return None
    try:
        return since_from_text(value)
    except ValueError as exc:
        fail(f"{option}: {exc}", 2)


def parse_day(value: str | None, option: str = "--since") -> date | None:
    """The first day the value names (the shared --since grammar)."""
    when = parse_since(value, option)
    return when.date() if when else None


def indicator_problem(key: str, stored: Iterable[str] = ()) -> str | None:
    """Why ``key`` is not an indicator (neither in the catalogue, ``db.indicators``, with its
    aliases, nor stored), naming the closest known keys; None when it is one."""
    from db import indicators

    stored = set(stored)
    if indicators.resolve(key) is not None or key in stored:
        return None
    import difflib

    close = list(dict.fromkeys(
        indicators.closest(key) + difflib.get_close_matches(key, sorted(stored), n=3)))[:3]
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    return f"unknown indicator {key!r}; {hint}(README's indicator table lists every key)"


def check_indicator(key: str | None, stored: Iterable[str] = ()) -> None:
    """Exit 2 for an unknown indicator key (see :func:`indicator_problem`)."""
    problem = None if key is None else indicator_problem(key, stored)
    if problem:
        fail(problem, 2)
