"""What a channel kind is: one class that says everything about the kind.

A kind owns its target check and masking, the ``subscribe add`` option that names it, the
settings it needs (built by the composition root from the config section it names), the
per-subscription secret if it signs, and sending. Nothing outside the kind's module
dispatches on its name: the registry in ``notifier/channels/__init__.py`` maps names to
instances, and everyone else asks the instance.

A channel sends one outbox row: one event, or for a digest subscription the batch of events
that row stands for. It returns on success and raises TransientSendError or
PermanentSendError otherwise; it never touches the database.

Importing a channel module stays cheap (the CLI builds its options from the registry at
start-up): renderers and HTTP clients are imported when a message is sent.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from db.records import EventRecord, Subscription
from notifier.errors import InvalidTarget, PermanentSendError
from notifier.validate import mask_url, non_empty, validate_http_url

if TYPE_CHECKING:
    from notifier.render.messages import RenderedAlert
    from notifier.settings import DeliveryContext

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelOption:
    """How ``subscribe add`` offers the kind: ``--email ADDRESS  Send alerts to ...``."""

    flag: str
    metavar: str
    help: str


class Channel(ABC):
    """One channel kind. Subclasses set ``kind`` and ``option`` and implement
    ``check_target`` and ``deliver``; the rest has defaults for a URL-shaped secret target."""

    kind: ClassVar[str]
    option: ClassVar[ChannelOption]
    #: The config.yaml section whose values build this kind's settings (None: needs none).
    settings_section: ClassVar[str | None] = None

    def validate_target(self, target: str) -> str:
        """The normalised target, or InvalidTarget saying what is wrong (shown to the user)."""
        return self.check_target(non_empty(self.kind, target))

    @abstractmethod
    def check_target(self, target: str) -> str:
        """Validate a stripped, non-empty target; return it normalised."""

    def mask(self, target: str) -> str:
        """What may be shown of a target in lists and logs (a URL's secret path hidden)."""
        return mask_url(target)

    def target_hosts(self, target: str) -> tuple[str, ...]:
        """The hosts a send to ``target`` connects to, for a policy on where alerts may go
        (e.g. refusing private addresses); () when the kind sends through a configured
        server (e-mail) or cannot tell."""
        try:
            host = urlsplit(target.strip()).hostname
        except ValueError:
            return ()
        return (host,) if host else ()

    def settings_from(self, values: Mapping[str, Any]) -> object | None:
        """This kind's settings object from its config section's values (secrets resolved
        by the composition root)."""
        return None

    def new_secret(self) -> str | None:
        """A fresh per-subscription secret (e.g. a signing key), or None if the kind has none."""
        return None

    def secret_notice(self, secret: str) -> str:
        """The line ``subscribe add`` prints once so the subscriber can keep the secret."""
        return f"{self.kind} secret (shown once): {secret}"

    def check_destination(self, target: str, allow_private: bool, *,
                          at_send: bool = False) -> None:
        """InvalidTarget if the (valid) target points where alerts must not go, e.g. inside
        this network; checked at ``subscribe add`` and again before each send. Nothing to
        check by default (an e-mail address goes through the configured SMTP server)."""
        return None

    def target_of(self, subscription: Subscription) -> str:
        """The subscription's target; one that no longer validates fails for good
        (retrying cannot fix it)."""
        try:
            return self.validate_target(subscription.target)
        except InvalidTarget as exc:
            raise PermanentSendError(f"subscription {subscription.id}: {exc}") from None

    @abstractmethod
    def deliver(
        self,
        subscription: Subscription,
        events: Sequence[EventRecord],
        outbox_id: int | None,
        context: DeliveryContext,
    ) -> None:
        """Send once; ``outbox_id`` None means a test send that is not in the outbox."""


class HttpUrlChannel(Channel):
    """A kind whose target is an http(s) URL that is itself a secret (Slack, webhooks)."""

    def check_target(self, target: str) -> str:
        return validate_http_url(self.kind, target)

    def check_destination(self, target: str, allow_private: bool, *,
                          at_send: bool = False) -> None:
        from notifier.targets import check_public

        check_public(self.kind, target, allow_private, at_send=at_send)

    def destination(self, subscription: Subscription, context: DeliveryContext) -> str:
        """The target, re-checked now (DNS may have changed since ``subscribe add``); a
        target aimed inside fails for good."""
        url = self.target_of(subscription)
        try:
            self.check_destination(url, context.allow_private_targets, at_send=True)
        except InvalidTarget as exc:
            raise PermanentSendError(f"subscription {subscription.id}: {exc}") from None
        return url


def is_digest(subscription: Subscription, events: Sequence[EventRecord]) -> bool:
    """A digest subscription always gets the digest layout; anyone gets it for a batch."""
    return subscription.digest is not None or len(events) > 1


def render_for(subscription: Subscription, events: Sequence[EventRecord],
               chart_cid: str | None = None, chart_alt: str = "") -> RenderedAlert:
    from notifier.render.messages import render_events

    return render_events(events, digest=is_digest(subscription, events),
                         format=subscription.format, chart_cid=chart_cid, chart_alt=chart_alt)

