"""The ``bea-tracker`` command group and ``init``; the other commands attach to :data:`main`.

Every mistake ends as one line on stderr and an exit code (0 ok, 1 runtime, 2 usage or
config): click's usage errors, configuration errors, an unusable database, and, as a last
resort, any unexpected exception (its traceback goes to the log at DEBUG).
"""

from __future__ import annotations

import logging
from typing import IO, Any

import click

from bea_tracker.app import App, safe_url
from bea_tracker.errors import LOG_LEVELS, ConfigError

logger = logging.getLogger(__name__)


class OneLineUsageError(click.UsageError):
    """A usage error shown as one line (with where to find help), not click's three."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def _one_line(exc: click.UsageError) -> OneLineUsageError:
    path = exc.ctx.command_path if exc.ctx else "bea-tracker"
    message = exc.format_message().rstrip(".")
    return OneLineUsageError(f"{message} (see '{path} --help')", exc.ctx)


class BeaGroup(click.Group):
    """Turns every failure into one readable line and its exit code."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except OneLineUsageError:
            raise
        except click.UsageError as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        from db.errors import DatabaseUnavailable

        try:
            return super().invoke(ctx)
        except (click.exceptions.NoArgsIsHelpError, OneLineUsageError):
            raise
        except click.UsageError as exc:
            raise _one_line(exc) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except ConfigError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)
        except DatabaseUnavailable as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)
        except Exception as exc:  # the last resort: one line, the traceback in the log
            from sqlalchemy.exc import DBAPIError

            if isinstance(exc, DBAPIError) and isinstance(ctx.obj, App):
                click.echo(f"error: {_database_error(ctx.obj, exc)}", err=True)
                ctx.exit(1)
            logger.debug("unexpected failure", exc_info=True)
            click.echo(f"error: unexpected {type(exc).__name__}: {exc} (run with --log-level "
                       "DEBUG for the details)", err=True)
            ctx.exit(1)


@click.group(cls=BeaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config", "config_path", envvar="BEA_TRACKER_CONFIG", type=click.Path(dir_okay=False),
    help="Config file (default: ./config.yaml if present, else built-in defaults).",
)
@click.option(
    "--database-url", envvar="BEA_TRACKER_DATABASE_URL", metavar="URL",
    help="Database URL (overrides database.url; e.g. postgresql://user@host/db). "
         "Env: BEA_TRACKER_DATABASE_URL.",
)
@click.option("--log-level", default=None, type=click.Choice(LOG_LEVELS, case_sensitive=False),
              help="Log level (default: logging.level in the config, else INFO).")
@click.version_option(package_name="bea-tracker")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, database_url: str | None,
         log_level: str | None) -> None:
    """Track U.S. Bureau of Economic Analysis releases: poll, extract, keep every
    revision, and alert subscribers by e-mail, Slack and webhook."""
    from bea_tracker import signals

    if ctx.invoked_subcommand != "run":
        signals.release()  # only the daemon has start-up work to finish on SIGTERM
    ctx.obj = App(config_path, log_level.upper() if log_level else None,
                  database_url=database_url)
    ctx.call_on_close(ctx.obj.close)


def _late_database_url(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """``bea-tracker status --database-url URL`` means the same as the global option."""
    app = ctx.find_object(App)
    if value and app is not None:
        app.database_url = value
        app.__dict__.pop("config", None)  # read again with the URL, if an option read it


def accept_database_url_everywhere(group: click.Group) -> None:
    """Give every command under ``group`` a ``--database-url`` of its own, so it works after
    the command name as well as before it (the issue asked for it "on every command")."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            accept_database_url_everywhere(command)
        elif not any(p.name == "late_database_url" for p in command.params):
            command.params.append(click.Option(
                ["--database-url", "late_database_url"], metavar="URL", expose_value=False,
                callback=_late_database_url,
                help="Database URL (the same as 'bea-tracker --database-url URL ...').",
            ))


@main.command()
@click.pass_obj
def init(app: App) -> None:
    """Create or migrate the database (Alembic)."""
    from db.migrate import HEAD_REVISION

    url = app.config.database.resolved_url()
    app.db  # noqa: B018 - creating it applies the migrations
    click.echo(f"database ready at schema {HEAD_REVISION}: {safe_url(url)}")


def _database_error(app: App, exc: Exception) -> str:
    """One line naming the database (password hidden) and what went wrong."""
    from db.session import scrub

    url = app.config.database.resolved_url()
    cause = getattr(exc, "orig", None) or exc
    first = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    return scrub(f"database {safe_url(url)}: {type(cause).__name__}: {first}", url)

