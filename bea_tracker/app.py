"""The composition root's state: the validated config and the database, built on demand."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from functools import cached_property
from typing import TYPE_CHECKING, TextIO

from bea_tracker.errors import ConfigError

if TYPE_CHECKING:
    from bea_tracker.config import AppConfig
    from db.session import Database

logger = logging.getLogger(__name__)


class App:
    """What every command needs; nothing is loaded until a command asks for it."""

    def __init__(self, config_path: str | None = None, log_level: str | None = None,
                 database_url: str | None = None) -> None:
        self.config_path = config_path
        self.log_level = log_level
        self.database_url = database_url

    @cached_property
    def config(self) -> AppConfig:
        from bea_tracker.config import load_config  # pydantic: only for commands that read it

        config = load_config(self.config_path)
        if self.database_url:  # --database-url / BEA_TRACKER_DATABASE_URL win over the file
            config = config.model_copy(update={
                "database": config.database.model_copy(update={"url": self.database_url})})
        setup_logging(self.log_level or config.logging.level, config.logging.format)
        return config

    @cached_property
    def db(self) -> Database:  # imported lazily, for start-up time
        """The database, migrated to head.

        Raises ConfigError for a URL that cannot work and DatabaseUnavailable when the
        database cannot be opened now; both are one line for the CLI.
        """
        from sqlalchemy.exc import SQLAlchemyError

        from db.migrate import upgrade
        from db.session import Database, DatabaseUnavailable, DatabaseUrlError, scrub

        url = self.config.database.resolved_url()
        try:
            database = Database(url)
        except DatabaseUrlError as exc:
            raise ConfigError(f"database.url: {exc}") from None
        try:
            upgrade(database.engine)
        except SQLAlchemyError as exc:
            database.dispose()
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise DatabaseUnavailable(scrub(
                f"cannot open the database {safe_url(url)}: {reason}", url)) from None
        return database

    def close(self) -> None:
        """Close the database's pooled connections (a command in a long-lived process, such
        as a test, must not leave PostgreSQL connections open)."""
        if "db" in self.__dict__:
            self.db.dispose()


def safe_url(url: str) -> str:
    """A database URL fit to print: the password hidden."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: print nothing of it that could be a secret
        return "<the configured database URL>"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, tz=timezone.utc)
        entry = {
            "time": stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is now (click's test runner swaps it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:  # set by the base class
        pass


def setup_logging(level: str, fmt: str = "text") -> None:
    """One stderr handler, configured here only (the composition root)."""
    handler = _StderrHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("scrapy", "twisted", "apscheduler", "alembic", "httpx", "httpcore", "filelock",
                  "apprise", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
