"""Errors raised by the notifier, one hierarchy so callers can catch at the right level.

The delivery loop only has to tell two things apart: retry later, or give up now.

    NotifierError                 anything the notifier raises on purpose
    ├── InvalidTarget             a subscription target (address or URL) or kind is unusable
    └── SendError                 one delivery attempt failed; ``reason`` says why
        ├── TransientSendError    worth retrying: connection refused, timeouts, HTTP 5xx,
        │                         HTTP 408/429 (``retry_after`` from Retry-After), SMTP 4xx
        └── PermanentSendError    retrying cannot help: HTTP 4xx other than 408/429,
                                  a recipient the SMTP server refuses with 5xx, an invalid
                                  address, missing SMTP settings

``reason`` never contains a Slack or webhook URL (they are secrets) nor an SMTP password.
"""

from __future__ import annotations


class NotifierError(Exception):
    """Base class of every error the notifier raises on purpose."""


class InvalidTarget(NotifierError, ValueError):
    """A target address/URL or a channel kind failed validation; the message says why."""


class SendError(NotifierError):
    """One delivery attempt failed; ``reason`` is a short, secret-free line for the outbox."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TransientSendError(SendError):
    """The attempt may succeed later; ``retry_after`` is the receiver's hint in seconds."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after

    def __str__(self) -> str:
        if self.retry_after is None:
            return self.reason
        return f"{self.reason} (retry after {self.retry_after:g} s)"


class PermanentSendError(SendError):
    """The attempt will fail the same way every time; the row should go dead at once."""
