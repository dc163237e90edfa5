"""The scraper's branch of the exception tree (drawn whole in :mod:`db.errors`).

The parsers almost never raise: a bad page, feed or calendar comes back as a record with
``problems`` (feedparser's ``bozo`` idea). What remains is for callers that must decide
what to do with a document or a fetch. :mod:`scraper.fetch` returns fetch errors as a
result's ``error`` line instead of raising them past its own boundary.
"""

from __future__ import annotations

from db.errors import BeaTrackerError


class ScraperError(BeaTrackerError):
    """Base class for the scraper's own exceptions."""


class DocumentError(ScraperError):
    """A document was fetched or read but cannot be used."""


class UnrecognisedDocument(DocumentError):
    """The bytes are none of: RSS feed, release page, schedule table, iCalendar file."""

    def __init__(self, message: str, url: str | None = None) -> None:
        super().__init__(message if url is None else f"{message} ({url})")
        self.url = url


class ArchiveLayoutError(DocumentError):
    """An archive listing page no longer looks like the one the parser knows."""

    def __init__(self, message: str, url: str) -> None:
        super().__init__(f"{url}: archive listing layout changed: {message}")
        self.url = url


class FetchError(ScraperError):
    """Getting a document over the network failed for a reason of our own making (a
    policy said no); HTTP and transport failures stay httpx's."""


class HostNotAllowed(FetchError):
    """A URL points outside ``bea.allowed_hosts`` (or is not http/https); never fetched."""


class BodyTooLarge(FetchError):
    """A response larger than we are willing to hold, counted after decoding."""
