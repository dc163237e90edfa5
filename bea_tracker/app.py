"""The composition root's state: the validated config and the database, built on demand."""

from __future__ import annotations

import json
import logging
import sys
from functools import cached_property

from bea_tracker.config import AppConfig, load_config

logger = logging.getLogger(__name__)


class App:
    """What every command needs; nothing is loaded until a command asks for it."""

    def __init__(self, config_path: str | None = None, log_level: str | None = None) -> None:
        self.config_path = config_path
        self.log_level = log_level

    @cached_property
    def config(self) -> AppConfig:
        config = load_config(self.config_path)
        setup_logging(self.log_level or config.logging.level, config.logging.format)
        return config

    @cached_property
    def db(self):  # noqa: ANN201 - db.session.Database, imported lazily for start-up time
        from db.migrate import upgrade
        from db.session import Database

        database = Database(self.config.database.resolved_url())
        upgrade(database.engine)
        return database


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
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
    def stream(self):  # noqa: ANN201 - a text stream
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # noqa: ANN001 - set by the base class
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
    for noisy in ("scrapy", "twisted", "apscheduler", "alembic", "httpx", "httpcore", "filelock"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
