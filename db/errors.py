"""The project's exception tree: one root, one root per package under it.

It is drawn here because ``db`` is the one package every other package may import; each
package defines its own branch in its own ``errors`` module and nowhere else. These
modules import nothing heavy (no SQLAlchemy, no pydantic), so the command line can catch
any of them without paying for it::

    BeaTrackerError                      anything bea-tracker raises on purpose
     +-- DbError                         db/errors.py: the database layer
     |    +-- DatabaseUrlError (ValueError)  database.url cannot work as written
     |    +-- DatabaseUnavailable          the database cannot be opened or migrated now
     |    +-- UnsupportedDatabase          a database dialect we cannot write to
     +-- ScraperError                    scraper/errors.py: fetching and reading BEA
     |    +-- DocumentError                a document was read but cannot be used
     |    |    +-- UnrecognisedDocument        not a feed, release page, schedule page or ICS
     |    |    +-- ArchiveLayoutError          BEA's news archive listing changed its layout
     |    +-- FetchError                   the network half could not get a document
     |         +-- HostNotAllowed             a URL (or redirect) outside bea.allowed_hosts
     |         +-- BodyTooLarge               a response over the size cap
     +-- NotifierError                   notifier/errors.py: subscriptions and delivery
     |    +-- InvalidTarget (ValueError)   a subscription target or kind is unusable
     |    |    +-- AppriseMissing             an Apprise URL, but the apprise extra is absent
     |    |    +-- DuplicateSubscription      the same live subscription exists already
     |    |    +-- TargetInside               the name resolved inside when connecting
     |    +-- SendError                    one delivery attempt failed; ``reason`` says why
     |         +-- TransientSendError         worth retrying (``retry_after`` seconds)
     |         +-- PermanentSendError         retrying cannot help: the row goes dead
     +-- AppError                        bea_tracker/errors.py: the application
          +-- ConfigError                  config file or environment unusable (exit 2)
          |    +-- SecretMissing              a secret's environment variable is unset
          +-- AlreadyRunning               another daemon holds this database
          +-- PlotUnavailable              the plotting extra is not installed
          +-- DemoFailed                   the offline demo could not finish
          +-- FeedUnavailable              backfill: the feed cannot be read
          +-- ArchiveUnavailable           backfill: an archive listing cannot be read
          +-- UrlFileError (ValueError)    backfill: a bad line in a --urls file

The parsers almost never raise: a bad page, feed or calendar comes back as a record with
``problems`` (feedparser's ``bozo`` idea). The daemon catches at the job boundary, logs
with ``exc_info``, records the failure and keeps running; the CLI turns an error into one
line and an exit code (0 ok, 1 runtime, 2 usage or configuration).
"""

from __future__ import annotations


class BeaTrackerError(Exception):
    """Base of every exception bea-tracker raises on purpose."""


class DbError(BeaTrackerError):
    """Base of the database layer's own exceptions."""


class DatabaseUrlError(DbError, ValueError):
    """``database.url`` cannot work as written (a configuration error, phrased for people)."""


class DatabaseUnavailable(DbError):
    """The database exists on paper but cannot be opened or migrated now (a runtime error)."""


class UnsupportedDatabase(DbError, NotImplementedError):
    """The database's dialect has no idempotent insert we know how to write."""
