"""Apprise: one URL reaches any of Apprise's services (Discord, Teams, Telegram, ntfy, ...).

Apprise is an optional extra (``pip install 'bea-tracker[apprise]'``), imported only when an
Apprise target is checked or sent: loading its plugins takes about half a second, which
every other command should not pay.

Apprise URLs carry their credentials anywhere (a password, a token in the host slot, an ntfy
topic, a path), and Apprise's own privacy mode leaves some of them readable (ntfy topics,
JSON paths), so what is shown of a target is only its scheme and, when it is a real host
name, the host. Apprise also writes whole URLs to its log (at DEBUG, and at ERROR for a URL
it cannot parse): a filter on its logger drops its chatter below WARNING and masks any URL
left in what remains. The WARNING lines it keeps become the outbox reason of a failed send.

The message is sent as plain text: Apprise escapes it for services that take HTML or
Markdown, so a release title with markup in it arrives inert.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import re
import socket
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from db.records import EventRecord, Subscription
from notifier.channels.base import Channel, ChannelOption, render_for
from notifier.errors import (
    AppriseMissing,
    InvalidTarget,
    PermanentSendError,
    TransientSendError,
)
from notifier.settings import DeliveryContext
from notifier.targets import ALLOW_HINT, is_internal
from notifier.validate import ELLIPSIS

logger = logging.getLogger(__name__)

EXTRA = "apprise"
INSTALL_HINT = f"pip install 'bea-tracker[{EXTRA}]'"
_URL_RE = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*)://\S*")
_HTTP_ERROR_RE = re.compile(r"error=(\d{3})\b")
_TRANSIENT_4XX = (408, 429)


def mask_apprise_url(url: str) -> str:
    """``json://127.0.0.1:8000/…``, ``discord://…``: the scheme, and the host only when it
    looks like a host name (a dotted name, an address or localhost), never a token."""
    text = url.strip()
    scheme, sep, _ = text.partition("://")
    if not sep or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        return ELLIPSIS
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host or not _looks_like_host(host):
        return f"{scheme}://{ELLIPSIS}"
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}/{ELLIPSIS}"


def _looks_like_host(host: str) -> bool:
    """A dotted name, an IP address or localhost, not a token in the host slot."""
    return "." in host or ":" in host or host == "localhost"


class _Redact(logging.Filter):
    """On Apprise's logger: drop records below WARNING (they hold full URLs and payloads),
    mask URLs in the rest, and remember them per thread for the outbox reason."""

    local = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return False
        message = _URL_RE.sub(lambda m: mask_apprise_url(m.group(0)), record.getMessage())
        record.msg, record.args = message, None
        lines = getattr(self.local, "lines", None)
        if lines is not None:
            lines.append(message)
        return True


_REDACT = _Redact()
_setup_lock = threading.Lock()


def load_apprise() -> ModuleType:
    """The apprise module, its logger filtered; AppriseMissing naming the extra if absent."""
    try:
        import apprise
    except ImportError:
        raise AppriseMissing(
            f"the apprise channel needs the optional extra {EXTRA!r}: {INSTALL_HINT}"
        ) from None
    with _setup_lock:
        apprise_logger = logging.getLogger("apprise")
        if _REDACT not in apprise_logger.filters:
            apprise_logger.addFilter(_REDACT)
    return apprise


@contextmanager
def captured_warnings() -> Iterator[list[str]]:
    """Apprise's (masked) warning lines logged by this thread inside the block."""
    lines: list[str] = []
    _Redact.local.lines = lines
    try:
        yield lines
    finally:
        _Redact.local.lines = None


def plugin_for(url: str) -> Any:
    """Apprise's plugin for ``url``, or InvalidTarget (AppriseMissing without the extra)."""
    apprise = load_apprise()
    with captured_warnings() as lines:
        plugin = apprise.Apprise.instantiate(url)
    if plugin is None:
        why = f" ({lines[-1]})" if lines else ""
        raise InvalidTarget(
            f"not a URL Apprise accepts: {mask_apprise_url(url)}{why}; see Apprise's list of "
            "services for the URL format"
        )
    return plugin


def classify(
    service: str, masked: str, lines: Sequence[str]
) -> TransientSendError | PermanentSendError:
    """A failed notify: an HTTP 4xx in Apprise's reason (other than 408/429) is permanent,
    anything else (5xx, connection trouble, no reason) is worth retrying."""
    reason = lines[-1] if lines else "the service did not accept the message"
    text = f"apprise {service} at {masked}: {reason}"
    code = _HTTP_ERROR_RE.search(reason)
    status = int(code.group(1)) if code else None
    if status is not None and 400 <= status < 500 and status not in _TRANSIENT_4XX:
        return PermanentSendError(text)
    return TransientSendError(text)


class _Watch(threading.local):
    """What the audit hook does for the current thread: nothing, unless an Apprise send
    runs in it (``sockets`` set)."""

    sockets: list[socket.socket] | None = None
    allow_private: bool = True


_WATCH = _Watch()
_hook_installed = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    """On every ``socket.connect`` in an Apprise send's thread: remember the socket (so the
    deadline can shut it) and, unless private targets are allowed, refuse an address inside
    the network (a name that resolved to a public address when checked and to 127.0.0.1
    now: DNS rebinding). Any other event, or any other thread, returns at once."""
    if event != "socket.connect":
        return
    sockets = _WATCH.sockets
    if sockets is None:
        return
    sock, address = args[0], args[1]
    sockets.append(sock)
    if _WATCH.allow_private or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    try:
        ip = ipaddress.ip_address(str(address[0]).split("%", 1)[0])
    except ValueError:
        return
    ip = getattr(ip, "ipv4_mapped", None) or ip
    if is_internal(ip):
        raise ConnectionRefusedError(
            f"connecting to {ip}, a loopback, private, link-local or reserved address: "
            f"refused ({ALLOW_HINT})")


def _install_hook() -> None:
    """Add the audit hook once per process (audit hooks cannot be removed; it costs one
    string comparison per audited event elsewhere)."""
    global _hook_installed
    with _setup_lock:
        if not _hook_installed:
            sys.addaudithook(_audit)
            _hook_installed = True


def _notify_within(plugin: Any, title: str, body: str, deadline: float,
                   what: str, allow_private: bool) -> tuple[bool, list[str]]:
    """``plugin.notify`` bounded by ``deadline`` as a whole: Apprise's timeouts are per
    socket operation, so a service that drips its answer would hold the send for ever. The
    notify runs in its own daemon thread whose sockets are watched; past the deadline they
    are shut down (the thread ends at once) and the send fails, transient."""
    apprise = load_apprise()
    _install_hook()
    result: list[Any] = []
    sockets: list[socket.socket] = []

    def notify() -> None:
        _WATCH.sockets, _WATCH.allow_private = sockets, allow_private
        with captured_warnings() as lines:
            try:
                ok = plugin.notify(title=title, body=body,
                                   body_format=apprise.NotifyFormat.TEXT)
            except Exception as exc:  # a plugin bug must not escape as a traceback with the URL
                result.append(exc)
                return
        result.append((bool(ok), lines))

    worker = threading.Thread(target=notify, name="bea-apprise", daemon=True)
    worker.start()
    worker.join(deadline)
    if not result:
        for sock in list(sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        raise TransientSendError(f"{what}: no complete send within {deadline:g} s")
    outcome = result[0]
    if isinstance(outcome, Exception):
        raise TransientSendError(f"{what}: {type(outcome).__name__}")
    return outcome


class AppriseChannel(Channel):
    """Any service Apprise speaks, by its URL; validated by Apprise itself."""

    kind = "apprise"
    option = ChannelOption(
        "--apprise", "URL",
        "Send alerts to any Apprise URL (Discord, Teams, Telegram, ntfy, ...; kept secret, "
        f"masked when shown; needs {INSTALL_HINT}).",
    )

    def check_target(self, target: str) -> str:
        plugin_for(target)
        return target

    def mask(self, target: str) -> str:
        return mask_apprise_url(target)

    def target_hosts(self, target: str) -> tuple[str, ...]:
        """The host Apprise will connect to when the URL names one (json://, ntfy:// to a
        private server, ...); () for a service on its own fixed host."""
        host = getattr(plugin_for(target), "host", None)
        return (host,) if isinstance(host, str) and _looks_like_host(host) else ()

    def check_destination(self, target: str, allow_private: bool, *,
                          at_send: bool = False) -> None:
        """A URL naming a host (``json://127.0.0.1:8000/``, ``ntfys://10.0.0.5/topic``) is
        held to the webhook policy: refused when the host resolves to a loopback, private,
        link-local or reserved address, at ``subscribe add`` and before each send. A token
        in the host slot (``discord://TOKEN/...``) is not a host and is never resolved (that
        would hand the token to the DNS resolver)."""
        if allow_private:
            return
        from notifier.targets import check_public_host

        plugin = plugin_for(target)
        port = getattr(plugin, "port", None)
        secure = bool(getattr(plugin, "secure", False))
        for host in self.target_hosts(target):
            check_public_host(self.kind, host, port if isinstance(port, int) and port
                              else (443 if secure else 80), allow_private, at_send=at_send)

    def deliver(
        self,
        subscription: Subscription,
        events: Sequence[EventRecord],
        outbox_id: int | None,
        context: DeliveryContext,
    ) -> None:
        try:
            url = self.validate_target(subscription.target)
            plugin = plugin_for(url)
            self.check_destination(url, context.allow_private_targets, at_send=True)
        except AppriseMissing as exc:
            raise TransientSendError(str(exc)) from None  # installing the extra fixes it
        except InvalidTarget as exc:
            raise PermanentSendError(f"subscription {subscription.id}: {exc}") from None
        plugin.socket_connect_timeout = plugin.socket_read_timeout = context.timeout
        rendered = render_for(subscription, events)
        masked = mask_apprise_url(url)
        ok, lines = _notify_within(plugin, rendered.subject, rendered.text, context.timeout,
                                   f"apprise {plugin.service_name} at {masked}",
                                   context.allow_private_targets)
        if not ok:
            raise classify(plugin.service_name, masked, lines)
        logger.info(
            "apprise alert sent: outbox=%s subscription=%s service=%s url=%s events=%d",
            outbox_id, subscription.id, plugin.service_name, masked, len(events),
        )  # fmt: skip
