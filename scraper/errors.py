"""Exceptions raised by the scraper package.

The parsers themselves almost never raise: a bad page, feed or calendar comes back as a
record with ``problems`` (feedparser's ``bozo`` idea). What remains is for callers that
must decide what to do with a document or a fetch::

    ScraperError                  base of everything the scraper raises on purpose
     +-- DocumentError            a document could not be used
     |    +-- UnrecognisedDocument   not a feed, release page, schedule page or ICS file
     +-- FetchError               the network half could not get a document
          +-- HostNotAllowed         not an http(s) URL on the configured BEA hosts
          +-- BodyTooLarge           a body past the size cap (after decoding)

Catch ``ScraperError`` at the job boundary, log it with ``exc_info`` and record a
``source_problem``; the daemon keeps running.
"""

from __future__ import annotations


class ScraperError(Exception):
    """Base class for the scraper's own exceptions."""


class DocumentError(ScraperError):
    """A document was fetched or read but cannot be used."""


class UnrecognisedDocument(DocumentError):
    """The bytes are none of: RSS feed, release page, schedule table, iCalendar file."""

    def __init__(self, message: str, url: str | None = None) -> None:
        super().__init__(message if url is None else f"{message} ({url})")
        self.url = url


class FetchError(ScraperError):
    """Getting a document over the network failed (status, timeout, transport)."""


class HostNotAllowed(FetchError):
    """A URL points outside ``bea.allowed_hosts`` (or is not http/https); never fetched."""


class BodyTooLarge(FetchError):
    """A response larger than we are willing to hold, counted after decoding."""
