"""What every send gets besides the subscription and the events (never read from config here).

The composition root builds one ``DeliveryContext`` per kind: the shared HTTP knobs plus the
kind's own settings object (``SmtpSettings`` for e-mail, ...), which the channel class
declares and builds from its config section.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db.records import EventRecord

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "bea-tracker/0.1 (+https://github.com/bea-tracker/bea-tracker)"
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class ChartImage:
    """A small PNG of the indicator's recent history, for channels that can embed one."""

    png: bytes = field(repr=False)
    alt: str


#: Draws the chart of an event's headline indicator, or None (nothing to draw, or the
#: ``plot`` extra missing). The composition root supplies it: drawing needs the history
#: in the database and the plotting code, neither of which the notifier may reach.
ChartRenderer = Callable[["EventRecord"], "ChartImage | None"]


@dataclass(frozen=True)
class DeliveryContext:
    """Everything a channel needs besides the subscription and the events.

    ``settings`` is the kind's own settings object (None when the kind needs none or none is
    configured). ``timeout`` bounds one whole send (connect, upload, the reply): the
    composition root keeps it shorter than the outbox lease, so a send that is still
    running is never taken for a dead one and sent twice.
    """

    settings: object | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    user_agent: str = DEFAULT_USER_AGENT
    # hosts a release link may point at in an alert (``bea.allowed_hosts``); None = any
    link_hosts: tuple[str, ...] | None = None
    #: Unix time now (webhook timestamps); tests turn it back to make a stale delivery.
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)
    #: Charts for e-mail alerts; None sends them without.
    chart: ChartRenderer | None = field(default=None, repr=False, compare=False)
    # targets on loopback/private/link-local/reserved addresses (and Slack targets off
    # hooks.slack.com) are refused unless this is set: your own receivers, tests, the demo
    allow_private_targets: bool = False
