"""Engines and sessions: SQLite pragmas, schema migration on demand, one unit of work."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from db.errors import DatabaseUnavailable, DatabaseUrlError

# re-exported: ``Session`` for type hints (packages outside ``db`` hand sessions to db
# functions without importing SQLAlchemy themselves), the errors for older imports
__all__ = ["Database", "DatabaseUnavailable", "DatabaseUrlError", "Session", "make_engine"]

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000
#: the extra that installs each backend's driver
DRIVER_EXTRAS = {"postgresql": "postgres"}


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """WAL (readers never block the writer), foreign keys, and a generous busy timeout."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def safe_url(url: str) -> str:
    """The URL as it may be shown: any password replaced by ``***`` (status, logs, errors)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can read: show only its scheme
        return url.split(":", 1)[0] + ":..." if ":" in url else "<database url>"


def scrub(text: str, url: str) -> str:
    """``text`` (an error message) with the URL's password, if any, replaced by ``***``."""
    try:
        password = make_url(url).password
    except Exception:
        return text
    return text.replace(str(password), "***") if password else text


def driver_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (SQLAlchemy's default would be psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_file(database: str) -> None:
    """A SQLite path must name a file whose folder exists or can be made."""
    path = Path(database).expanduser()
    if path.is_dir():
        raise DatabaseUrlError(f"{path} is a folder; name a file in it, such as "
                               f"{path / 'bea-tracker.db'}")
    try:
        # the folder this makes is the owner's alone, as is the file: it holds subscribers'
        # addresses, Slack URLs and webhook secrets (an existing folder is left as it is)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUrlError(f"cannot create the folder {path.parent} for the database: "
                               f"{exc.strerror or exc}") from None
    _create_private(path)


def _create_private(path: Path) -> None:
    """Create an empty database file readable by its owner only (0600), under a umask that
    lets nothing wider through; SQLite gives its -wal and -shm files the same mode."""
    if path.exists():
        return
    previous = os.umask(0o077)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise DatabaseUrlError(f"cannot create the database file {path}: "
                               f"{exc.strerror or exc}") from None
    finally:
        os.umask(previous)


def make_engine(url: str) -> Engine:
    """Create an engine; for SQLite create the file's folder and set the pragmas.

    Raises :class:`DatabaseUrlError` for a URL that cannot work: not a URL, an unknown kind,
    a driver that is not installed (naming the extra to install), a folder as the file.
    """
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
        if parsed.drivername in ("postgresql", "postgres"):
            # psycopg 3 (the postgres extra); SQLAlchemy's default would be psycopg2
            parsed = parsed.set(drivername="postgresql+psycopg")
            url = parsed.render_as_string(hide_password=False)
    except ArgumentError:
        raise DatabaseUrlError(f"not a database URL: {url!r} (e.g. sqlite:///path/to/file.db "
                               "or postgresql://user@host/dbname)") from None
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite":
            database = parsed.database
            if database and database != ":memory:":
                _sqlite_file(database)
            engine = create_engine(
                url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
            )
            event.listen(engine, "connect", _on_sqlite_connect)
            return engine
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    except NoSuchModuleError:
        raise DatabaseUrlError(f"unknown database kind {parsed.drivername!r} (use sqlite or "
                               "postgresql)") from None
    except ImportError as exc:
        extra = DRIVER_EXTRAS.get(backend)
        hint = f": pip install 'bea-tracker[{extra}]'" if extra else ""
        raise DatabaseUrlError(f"the {backend} driver ({exc.name or parsed.drivername}) is not "
                               f"installed{hint}") from None


class Database:
    """An engine plus a session factory; ``unit_of_work`` commits or rolls back as one."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def session(self) -> Session:
        """A plain session for read-only work; the caller closes it."""
        return self._sessions()

    def dispose(self) -> None:
        self.engine.dispose()
