"""E-mail over SMTP (smtplib; blocking, so the delivery loop runs it in a thread).

The Message-ID is derived from the outbox row, so a retry after a lost acknowledgement is
recognisably the same message (and mail clients thread or drop the duplicate). It also
hashes the subscription, events and their creation times, so outbox ids that restart at 1
after a database reset never collide with old mail (Gmail silently drops a repeated id).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import smtplib
import socket
import ssl
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import TYPE_CHECKING, Any

from db.records import EVENT_NEW_RELEASE, FORMAT_FULL, EventRecord, Subscription
from notifier.channels.base import Channel, ChannelOption, render_for
from notifier.errors import PermanentSendError, TransientSendError
from notifier.settings import DEFAULT_TIMEOUT, ChartImage, DeliveryContext
from notifier.validate import validate_email

if TYPE_CHECKING:
    from notifier.render.messages import RenderedAlert

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server. ``ssl`` is implicit TLS (port 465); ``starttls`` upgrades.

    The composition root resolves ``smtp.password_env`` to a value; the password is kept out
    of ``repr`` so it cannot end up in a log line or a traceback.
    """

    host: str
    port: int
    from_addr: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    ssl: bool = False
    timeout: float = DEFAULT_TIMEOUT
    #: a PEM file of CA certificates to trust instead of the system's (a private CA)
    ca_file: str | None = None

    def __post_init__(self) -> None:
        if self.ssl and self.starttls:
            raise ValueError("smtp: choose either ssl (implicit TLS) or starttls, not both")
        if self.timeout <= 0:
            raise ValueError("smtp: timeout must be positive")


def message_id(
    outbox_id: int | None, subscription: Subscription, events: Sequence[EventRecord], from_addr: str
) -> str:
    """``<outbox-42.1a2b3c4d5e6f@bea-tracker.example.org>``; random for a test send."""
    domain = parseaddr(from_addr)[1].rpartition("@")[2] or "localhost"
    if outbox_id is None:
        return make_msgid("test", domain=f"bea-tracker.{domain}")
    seed = "|".join(
        [str(outbox_id), str(subscription.id)]
        + [f"{e.id}@{e.created_at.isoformat()}" for e in events]
    )
    token = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:12]
    return f"<outbox-{outbox_id}.{token}@bea-tracker.{domain}>"


def build_message(
    rendered: RenderedAlert, to_addr: str, from_addr: str, msg_id: str,
    chart: tuple[str, bytes] | None = None,
) -> EmailMessage:
    """multipart/alternative: the text part first, the HTML part preferred by clients;
    ``chart`` (its Content-ID and PNG) goes with the HTML part as multipart/related."""
    msg = EmailMessage()
    msg["Subject"] = rendered.subject
    msg["From"] = from_addr
    msg["To"] = to_addr
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = msg_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    if chart is not None:
        cid, png = chart
        html_part = msg.get_body(("html",))
        assert isinstance(html_part, EmailMessage)  # built just above
        html_part.add_related(png, "image", "png", cid=cid, filename="chart.png",
                              disposition="inline")
    return msg


def tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    """Certificates verified and host names checked, always; ``ca_file`` replaces the
    system's trust store (for a private CA). There is no switch to turn checking off."""
    return ssl.create_default_context(cafile=settings.ca_file)


class _Deadline:
    """Cuts an SMTP exchange at ``seconds``: smtplib's timeout is per socket operation, so
    a server that drips its replies would otherwise hold a sender for ever. Shutting the
    socket down from a timer thread wakes the blocked read at once."""

    def __init__(self, smtp: smtplib.SMTP, seconds: float) -> None:
        self.smtp, self.seconds, self.hit = smtp, seconds, False
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def _cut(self) -> None:
        self.hit = True
        sock = getattr(self.smtp, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()


#: the most of one SMTP reply read (all its lines): real replies are a few hundred bytes
MAX_REPLY = 64 * 1024
_MAXLINE: int = getattr(smtplib, "_MAXLINE", 8192)  # smtplib's own bound on one line


class ReplyTooLong(OSError):
    """A server reply ran past MAX_REPLY, or one line past smtplib's line limit."""


class _CappedFile:
    """The reply stream, counting what one reply has read: smtplib bounds each line
    (``_MAXLINE``) but not how many continuation lines a reply has, so a server sending
    ``250-...`` for ever would fill memory until the deadline. Past the cap the read fails
    (as an OSError, which smtplib turns into a closed connection)."""

    def __init__(self, raw: Any, owner: _Bounded) -> None:
        self.raw, self.owner = raw, owner

    def readline(self, limit: int = -1) -> bytes:
        line = self.raw.readline(limit)
        self.owner.reply_read += len(line)
        if len(line) > _MAXLINE or self.owner.reply_read > MAX_REPLY:
            self.owner.reply_too_long = True
            raise ReplyTooLong(f"reply longer than {MAX_REPLY // 1024} KB; cut")
        return line

    def close(self) -> None:
        self.raw.close()


class _Bounded(smtplib.SMTP):
    """smtplib.SMTP whose replies are read through a :class:`_CappedFile`."""

    reply_read = 0
    reply_too_long = False

    def getreply(self) -> tuple[int, bytes]:
        self.reply_read = 0
        if self.file is None and self.sock is not None:  # again after STARTTLS
            self.file = _CappedFile(self.sock.makefile("rb"), self)  # type: ignore[assignment]
        return super().getreply()


class _BoundedSSL(_Bounded, smtplib.SMTP_SSL):
    """Implicit TLS, replies bounded the same way."""


def _client(settings: SmtpSettings) -> _Bounded:
    """An unconnected client (so the deadline can watch the connect and greeting too)."""
    if settings.ssl:
        smtp: _Bounded = _BoundedSSL(timeout=settings.timeout, context=tls_context(settings))
    else:
        smtp = _Bounded(timeout=settings.timeout)
    # what SMTP(host) sets: the name TLS verifies the certificate for (private in typeshed)
    smtp._host = settings.host  # type: ignore[attr-defined]
    return smtp


def _connect(settings: SmtpSettings, smtp: smtplib.SMTP) -> None:
    """Connect ``smtp`` so that it is TLS when TLS was asked for: a STARTTLS the server does
    not offer, or a certificate that does not verify, fails the send (never falls back to
    plain)."""
    try:
        code, message = smtp.connect(settings.host, settings.port)
        if code != 220:
            raise smtplib.SMTPConnectError(code, message)
        if settings.starttls:
            smtp.starttls(context=tls_context(settings))
    except BaseException:
        smtp.close()  # no QUIT: after a failed handshake the session is unusable
        raise


def _close_quietly(smtp: smtplib.SMTP) -> None:
    """QUIT after the message was accepted; a failure here must not cause a resend."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _cut(smtp: _Bounded, watch: _Deadline) -> None:
    """Why an exchange failed, when it was cut by us rather than by the server."""
    if smtp.reply_too_long:
        raise ReplyTooLong(f"the server's reply ran past {MAX_REPLY // 1024} KB; cut") \
            from None
    if watch.hit:
        raise TimeoutError(f"no complete exchange within {watch.seconds:g} s") from None


def _send(settings: SmtpSettings, msg: EmailMessage, to_addr: str, deadline: float) -> None:
    envelope_from = parseaddr(settings.from_addr)[1] or settings.from_addr
    smtp = _client(settings)
    with _Deadline(smtp, deadline) as watch:
        try:
            _connect(settings, smtp)
        except (smtplib.SMTPException, OSError):
            _cut(smtp, watch)
            raise
        try:
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(msg, from_addr=envelope_from, to_addrs=[to_addr])
        except (smtplib.SMTPException, OSError):
            _cut(smtp, watch)
            raise
        finally:
            if smtp.reply_too_long:
                smtp.close()  # no QUIT: its reply would be read again
            else:
                _close_quietly(smtp)


def chart_for(subscription: Subscription, events: Sequence[EventRecord],
              context: DeliveryContext) -> ChartImage | None:
    """The chart of a single full new-release alert, if the root gave a renderer; a chart
    that fails to draw is left out (logged), never the alert."""
    if (context.chart is None or len(events) != 1 or subscription.digest is not None
            or subscription.format != FORMAT_FULL or events[0].kind != EVENT_NEW_RELEASE):
        return None
    try:
        return context.chart(events[0])
    except Exception:
        logger.warning("chart for event %s left out of the e-mail", events[0].id, exc_info=True)
        return None


class EmailChannel(Channel):
    """E-mail: the target is a bare address (shown as is), settings from ``smtp:``."""

    kind = "email"
    option = ChannelOption("--email", "ADDRESS", "Send alerts to this address.")
    settings_section = "smtp"

    def check_target(self, target: str) -> str:
        return validate_email(target)

    def mask(self, target: str) -> str:
        return target

    def target_hosts(self, target: str) -> tuple[str, ...]:
        return ()  # mail goes through the configured SMTP server

    def settings_from(self, values: Mapping[str, Any]) -> SmtpSettings:
        return SmtpSettings(**values)

    def deliver(
        self,
        subscription: Subscription,
        events: Sequence[EventRecord],
        outbox_id: int | None,
        context: DeliveryContext,
    ) -> None:
        settings = context.settings
        if not isinstance(settings, SmtpSettings):
            raise PermanentSendError("no SMTP settings configured (smtp.host in config.yaml)")
        to_addr = self.target_of(subscription)
        msg_id = message_id(outbox_id, subscription, events, settings.from_addr)
        chart = chart_for(subscription, events, context)
        cid = make_msgid("chart", domain="bea-tracker.local") if chart else None
        rendered = render_for(subscription, events, chart_cid=cid[1:-1] if cid else None,
                              chart_alt=chart.alt if chart else "")
        msg = build_message(rendered, to_addr, settings.from_addr, msg_id,
                            (cid, chart.png) if cid and chart else None)
        try:
            _send(settings, msg, to_addr, context.timeout)
        except (smtplib.SMTPException, OSError) as exc:
            raise classify_smtp_error(exc, settings) from None
        logger.info(
            "e-mail alert sent: outbox=%s subscription=%s to=%s message-id=%s",
            outbox_id, subscription.id, to_addr, msg_id,
        )  # fmt: skip


def _code_error(code: int, text: str) -> TransientSendError | PermanentSendError:
    return PermanentSendError(text) if code >= 500 else TransientSendError(text)


def _decode(message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return " ".join(text.split())


def classify_smtp_error(
    exc: BaseException, settings: SmtpSettings
) -> TransientSendError | PermanentSendError:
    """SMTP 5xx for the recipient or message is permanent; 4xx and network trouble transient.

    A failed login is transient: it is about the server's configuration, not this message,
    and retries with backoff leave time to fix the password before the row goes dead.
    """
    server = f"{settings.host}:{settings.port}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refusals = list(exc.recipients.items())
        worst = max((code for _, (code, _) in refusals), default=0)
        parts = [f"{rcpt} refused: {code} {_decode(text)}" for rcpt, (code, text) in refusals]
        return _code_error(worst, f"SMTP {server}: " + "; ".join(parts))
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return TransientSendError(
            f"SMTP {server}: login as {settings.username!r} failed: {exc.smtp_code} "
            f"{_decode(exc.smtp_error)}"
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return _code_error(
            exc.smtp_code, f"SMTP {server}: {exc.smtp_code} {_decode(exc.smtp_error)}"
        )
    if isinstance(exc, ReplyTooLong):
        return TransientSendError(f"SMTP {server}: {exc}")
    if isinstance(exc, TimeoutError):
        detail = str(exc) or f"timed out after {settings.timeout:g} s"
        return TransientSendError(f"SMTP {server}: {detail}")
    if isinstance(exc, ssl.SSLCertVerificationError):
        hint = "" if settings.ca_file else " (for a private CA, set smtp.ca_file)"
        return TransientSendError(
            f"SMTP {server}: TLS certificate not trusted: {exc.verify_message}{hint}")
    if isinstance(exc, smtplib.SMTPNotSupportedError) and settings.starttls:
        return TransientSendError(f"SMTP {server}: the server does not offer STARTTLS; "
                                  "not sending in plain text")
    if isinstance(exc, ssl.SSLError):
        return TransientSendError(f"SMTP {server}: TLS failed: {exc.reason or exc}")
    return TransientSendError(f"SMTP {server}: {type(exc).__name__}: {exc}")
