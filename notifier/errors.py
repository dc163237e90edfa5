"""The notifier's branch of the exception tree (drawn whole in :mod:`db.errors`).

The delivery loop only has to tell two things apart: retry later
(:class:`TransientSendError`: connection refused, timeouts, HTTP 5xx, HTTP 408/429 with
``retry_after`` from Retry-After, SMTP 4xx) or give up now (:class:`PermanentSendError`:
HTTP 4xx other than 408/429, a recipient the SMTP server refuses with 5xx, an invalid
address, missing SMTP settings).

``reason`` never contains a Slack or webhook URL (they are secrets) nor an SMTP password.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.errors import BeaTrackerError

if TYPE_CHECKING:
    from db.records import Subscription


class NotifierError(BeaTrackerError):
    """Base class of every error the notifier raises on purpose."""


class InvalidTarget(NotifierError, ValueError):
    """A target address/URL or a channel kind failed validation; the message says why."""


class AppriseMissing(InvalidTarget):
    """An Apprise URL was given but the apprise extra is not installed; the message says
    how to install it."""


class TargetInside(InvalidTarget):
    """The target's name resolved, at connect time, to an address the policy refuses (a
    name that changed its answer after the check: DNS rebinding)."""


class DuplicateSubscription(InvalidTarget):
    """The same live subscription exists already (it would send every alert twice);
    ``existing`` is it."""

    def __init__(self, existing: Subscription) -> None:
        super().__init__(f"the same subscription exists already: {existing.id}"
                         + (f" ({existing.name})" if existing.name else ""))
        self.existing = existing


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
