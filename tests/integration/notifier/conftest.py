"""Real local servers for the notifier channels, and a few real BEA sample events.

- ``smtp_sink``: an aiosmtpd SMTP server on 127.0.0.1 (port chosen here: SPIKE-NOTES says
  ``Controller(port=0)`` does not report the bound port reliably). It refuses
  ``nobody@...`` with 550 and ``later@...`` with 451, as a real server would.
- ``receiver``: a pytest-httpserver on 127.0.0.1 (its own instance, threaded, so a slow
  handler does not hold up the next test) for Slack and webhook POSTs.
Sample figures are from BEA's feed of 2026-09-13 (/work/shared/fixtures/bea).
"""

from __future__ import annotations

import email
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from email.message import EmailMessage
from email.policy import default as default_policy
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pytest_httpserver import HTTPServer

from db.records import EventRecord, FigureRecord, ReleaseRecord, Subscription, SubscriptionFilter

NY = ZoneInfo("America/New_York")
UTC = timezone.utc
SMTP_USER, SMTP_PASSWORD = "bea-tracker", "s3cret-pa55word"


def free_port() -> int:
    """A port nothing listens on right now (bound and released on 127.0.0.1)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class SinkHandler:
    """Records accepted mail; refuses some recipients like a real server would."""

    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("nobody@"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address.startswith("later@"):
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            if (user, password) == (SMTP_USER, SMTP_PASSWORD):
                self.logins.append(user)
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@dataclass
class SmtpSink:
    host: str
    port: int
    handler: SinkHandler


def _start_sink(**kwargs) -> tuple[Controller, SmtpSink]:
    handler = SinkHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, SmtpSink("127.0.0.1", port, handler)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    controller, sink = _start_sink()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp_auth_sink() -> Iterator[SmtpSink]:
    """A sink offering AUTH LOGIN/PLAIN without TLS (fine on loopback); it records logins.

    ``auth_required=True`` would make aiosmtpd warn about AUTH without TLS, and warnings
    are errors here; the tests check the login happened instead.
    """
    handler = SinkHandler()
    port = free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=handler.authenticate,
        auth_required=False, auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    try:
        yield SmtpSink("127.0.0.1", port, handler)
    finally:
        controller.stop()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening: connections are refused."""
    return free_port()


@pytest.fixture
def smtp_credentials() -> tuple[str, str]:
    return SMTP_USER, SMTP_PASSWORD


@pytest.fixture(scope="module")
def receiver_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=free_port(), threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()


@pytest.fixture
def receiver(receiver_server: HTTPServer) -> Iterator[HTTPServer]:
    """The HTTP receiver with no handlers and an empty log, for one test."""
    receiver_server.clear()
    yield receiver_server
    receiver_server.clear()


@pytest.fixture
def gdp_event() -> EventRecord:
    release = ReleaseRecord(
        url="https://www.bea.gov/news/2026/gdp-second-estimate-and-corporate-profits-2nd-quarter-2026",
        title="GDP (Second Estimate) and Corporate Profits, 2nd Quarter 2026",
        released_at=datetime(2026, 8, 26, 8, 30, tzinfo=NY),
        lead="Real gross domestic product (GDP) increased at an annual rate of 1.5 percent in "
        "the second quarter of 2026, according to the second estimate released today by BEA.",
        next_release=date(2026, 9, 30),
        series="GDP",
        figures=(
            FigureRecord("real_gdp", "Real GDP", "2026Q2", "second", 1.5, "percent_saar", 2.1,
                         "2026Q1"),
        ),
    )  # fmt: skip
    return EventRecord(101, "new_release", datetime(2026, 8, 26, 12, 30, 4, tzinfo=UTC), release)


@pytest.fixture
def trade_event() -> EventRecord:
    release = ReleaseRecord(
        url="https://www.bea.gov/news/2026/us-international-trade-goods-and-services-july-2026",
        title="U.S. International Trade in Goods and Services, July 2026",
        released_at=datetime(2026, 9, 3, 8, 30, tzinfo=NY),
        lead="The deficit increased from $71.2 billion in June (revised) to $88.6 billion in July.",
        series="U.S. International Trade in Goods and Services",
        figures=(
            FigureRecord("trade_balance", "Trade balance", "2026-07", None, -88.6,
                         "usd_billions", -71.2, "2026-06"),
        ),
    )  # fmt: skip
    return EventRecord(102, "new_release", datetime(2026, 9, 3, 12, 30, 6, tzinfo=UTC), release)


@pytest.fixture
def script_event(gdp_event) -> EventRecord:
    """The GDP release with markup in its title, as a hostile or broken page could carry."""
    release = replace(gdp_event.release, title="GDP <script>alert('x')</script> & Profits")
    return replace(gdp_event, id=103, release=release)


@pytest.fixture
def make_sub() -> Callable[..., Subscription]:
    def build(kind: str, target: str, **kw: object) -> Subscription:
        return Subscription(id=7, kind=kind, target=target, filter=SubscriptionFilter(), **kw)

    return build
