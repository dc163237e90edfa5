"""The application's branch of the exception tree (drawn whole in :mod:`db.errors`), and
the log levels, in a module that imports nothing heavy: the command line loads it for every
command, ``--help`` included (pydantic is loaded only when a command reads the config).

The CLI turns each into one line on stderr and an exit code: :class:`ConfigError` exits
2 (usage or configuration), the others 1 (runtime).
"""

from __future__ import annotations

from db.errors import BeaTrackerError

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class AppError(BeaTrackerError):
    """Base of the application's own exceptions (config, daemon, demo, history tools)."""


class ConfigError(AppError):
    """A configuration problem, phrased for the person who wrote the file."""


class SecretMissing(ConfigError):
    """A secret's environment variable is unset or empty (checked when it is needed)."""


class AlreadyRunning(AppError):
    """Another daemon holds this database."""


class PlotUnavailable(AppError):
    """matplotlib or plotext is not installed (the optional ``plot`` extra)."""


class DemoFailed(AppError):
    """A step of the demo did not happen; the message says what was missing."""


class FeedUnavailable(AppError):
    """Backfill: the feed could not be fetched or held no usable items."""


class ArchiveUnavailable(AppError):
    """Backfill: a listing page could not be fetched (or robots.txt forbids it): nothing
    crawled."""


class UrlFileError(AppError, ValueError):
    """Backfill: a line of a ``--urls`` file is not an http(s) URL."""
