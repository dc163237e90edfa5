"""Settings the channels need, passed in by the composition root (never read here).

The root resolves ``smtp.password_env`` to a value and builds these frozen objects; the
password is kept out of ``repr`` so it cannot end up in a log line or a traceback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import httpx

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "bea-tracker/0.1 (+https://github.com/bea-tracker/bea-tracker)"
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server. ``ssl`` is implicit TLS (port 465); ``starttls`` upgrades."""

    host: str
    port: int
    from_addr: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    ssl: bool = False
    timeout: float = DEFAULT_TIMEOUT

    def __post_init__(self) -> None:
        if self.ssl and self.starttls:
            raise ValueError("smtp: choose either ssl (implicit TLS) or starttls, not both")
        if self.timeout <= 0:
            raise ValueError("smtp: timeout must be positive")


@dataclass(frozen=True)
class DeliveryContext:
    """Everything a channel needs besides the subscription and the events.

    ``http_transport`` lets the delivery loop share one connection pool across many webhook
    and Slack sends (``httpx.HTTPTransport()``, safe to share between threads; the caller
    closes it); without it each send opens and closes its own. It is a transport and not an
    ``httpx.Client`` on purpose: a Client logs every request's full URL at INFO level, and
    Slack/webhook URLs are secrets.
    """

    smtp: SmtpSettings | None = None
    timeout: float = DEFAULT_TIMEOUT
    user_agent: str = DEFAULT_USER_AGENT
    http_transport: httpx.BaseTransport | None = field(default=None, repr=False, compare=False)
