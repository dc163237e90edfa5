"""The ``bea-tracker`` command group and ``init``; the other commands attach to :data:`main`."""

from __future__ import annotations

import logging

import click

from bea_tracker.app import App
from bea_tracker.config import ConfigError

logger = logging.getLogger(__name__)


class BeaGroup(click.Group):
    """Turns configuration errors into exit code 2 with one readable line."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - click's signature
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=BeaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config", "config_path", envvar="BEA_TRACKER_CONFIG", type=click.Path(dir_okay=False),
    help="Config file (default: ./config.yaml if present, else built-in defaults).",
)
@click.option("--log-level", default=None, help="DEBUG, INFO, WARNING or ERROR.")
@click.version_option(package_name="bea-tracker")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, log_level: str | None) -> None:
    """Track U.S. Bureau of Economic Analysis releases: poll, extract, keep every
    revision, and alert subscribers by e-mail, Slack and webhook."""
    ctx.obj = App(config_path, log_level)


@main.command()
@click.pass_obj
def init(app: App) -> None:
    """Create or migrate the database (Alembic)."""
    from db.migrate import HEAD_REVISION

    url = app.config.database.resolved_url()
    app.db  # noqa: B018 - creating it applies the migrations
    click.echo(f"database ready at schema {HEAD_REVISION}: {_safe_url(url)}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
