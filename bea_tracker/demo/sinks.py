"""Local alert sinks on 127.0.0.1: an SMTP server and a webhook receiver that record
what arrives, for the offline demo and for integration tests of the notifier.

Both are thread-safe, start/stop (or ``with``), and offer ``wait_for(count, timeout)``,
which returns the records once ``count`` have arrived or raises TimeoutError saying how
many did. Both can be told to refuse the next deliveries, to exercise retries.

    with SmtpSink() as smtp, WebhookSink() as hooks:
        smtp.host, smtp.port            # smtp.host / smtp.port in the tracker's config
        hooks.url_for("ops")            # http://127.0.0.1:PORT/hooks/ops
        hooks.respond(500)              # first POST gets a 500, then 200 again
        mail = smtp.wait_for(1, timeout=10)[0].message["Subject"]
"""

from __future__ import annotations

import email
import email.policy
import json
import logging
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Generic, Self, TypeVar

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from bea_tracker.demo.serving import Service, serve_in_thread, shut_down

logger = logging.getLogger(__name__)

T = TypeVar("T")


class _Inbox(Generic[T]):
    """Append-only list with a condition variable, shared by both sinks."""

    def __init__(self) -> None:
        self._items: list[T] = []
        self._changed = threading.Condition()

    def add(self, item: T) -> None:
        with self._changed:
            self._items.append(item)
            self._changed.notify_all()

    def snapshot(self) -> list[T]:
        with self._changed:
            return list(self._items)

    def clear(self) -> None:
        with self._changed:
            self._items.clear()

    def wait_for(self, count: int, timeout: float, keep: Callable[[T], bool], what: str,
                 ) -> list[T]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [item for item in self._items if keep(item)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(found)} of {count} {what} within {timeout} s")
                self._changed.wait(left)


def free_port(host: str = "127.0.0.1") -> int:
    """A port free right now (aiosmtpd's ``port=0`` does not report the bound port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


# -- SMTP ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReceivedMail:
    """One accepted message: envelope, parsed message, raw bytes, AUTH login if any."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes
    received_at: datetime
    login: str | None = None
    tls: bool = False  # the message came over TLS (STARTTLS or implicit)


class _MailHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self._sink = sink

    async def handle_RCPT(self, server: SMTP, session: Session,  # noqa: N802 (aiosmtpd hook)
                          envelope: Envelope, address: str, rcpt_options: list[str]) -> str:
        refusal = self._sink._recipient_refusal(address)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session,  # noqa: N802 (aiosmtpd hook)
                          envelope: Envelope) -> str:
        refusal = self._sink._next_refusal()
        if refusal is not None:
            return refusal
        raw = envelope.original_content or envelope.content or b""
        raw = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        login = session.auth_data if isinstance(session.auth_data, str) else None
        transport = getattr(server, "transport", None)
        tls = session.ssl is not None or (
            transport is not None and transport.get_extra_info("ssl_object") is not None)
        self._sink._inbox.add(ReceivedMail(
            envelope.mail_from or "", list(envelope.rcpt_tos), message,  # type: ignore[arg-type]
            raw, datetime.now(timezone.utc), login, tls,
        ))
        return "250 Message accepted for delivery"


class SmtpSink(Service):
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it accepts.

    ``credentials=("user", "secret")`` offers AUTH PLAIN/LOGIN and accepts only that pair
    (a message can still be sent unauthenticated; check ``login``). Without ``tls`` no TLS
    is offered and AUTH works in the clear; ``tls="starttls"`` (with an ``ssl_context``)
    requires STARTTLS before anything else, ``tls="implicit"`` speaks TLS from the first
    byte (port 465 style).
    """

    def __init__(self, host: str = "127.0.0.1", port: int | None = None, *,
                 credentials: tuple[str, str] | None = None, tls: str | None = None,
                 ssl_context: Any = None) -> None:
        if tls not in (None, "starttls", "implicit") or (tls and ssl_context is None):
            raise ValueError("tls is None, 'starttls' or 'implicit' (with an ssl_context)")
        self.host = host
        self.port = port or 0
        self._credentials = credentials
        self._tls, self._ssl_context = tls, ssl_context
        self._inbox: _Inbox[ReceivedMail] = _Inbox()
        self._refusals: deque[str] = deque()
        self._refused_recipients: dict[str, str] = {}
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> Self:
        if self._controller is not None:
            return self
        self.port = self.port or free_port(self.host)
        options: dict[str, Any] = {}
        if self._credentials is not None:
            options = {"authenticator": self._authenticate,
                       "auth_require_tls": self._tls == "starttls"}
        if self._tls == "starttls":
            options |= {"tls_context": self._ssl_context, "require_starttls": True}
        elif self._tls == "implicit":
            options["ssl_context"] = self._ssl_context
        controller = Controller(_MailHandler(self), hostname=self.host, port=self.port,
                                **options)
        try:
            controller.start()
        except BaseException:
            controller.loop.close()
            raise
        self._controller = controller
        logger.info("SMTP sink on %s:%s", self.host, self.port)
        return self

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    @property
    def messages(self) -> list[ReceivedMail]:
        """Messages accepted so far, oldest first (a copy)."""
        return self._inbox.snapshot()

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[ReceivedMail]:
        """Block until ``count`` messages were accepted; TimeoutError otherwise."""
        return self._inbox.wait_for(count, timeout, lambda _: True, "e-mails")

    def refuse(self, code: int = 451, text: str = "4.3.0 Try again later", *,
               times: int = 1) -> None:
        """Answer the next ``times`` DATA commands with ``code`` (4xx temporary, 5xx
        permanent); refused messages are not kept."""
        with self._lock:
            self._refusals.extend([f"{code} {text}"] * times)

    def refuse_recipient(self, prefix: str, code: int = 550,
                         text: str = "5.1.1 Recipient address rejected: User unknown") -> None:
        """Answer RCPT TO for every address starting with ``prefix`` with ``code`` (550 a
        recipient that does not exist, 451 a mailbox temporarily unavailable), until
        :meth:`clear`."""
        with self._lock:
            self._refused_recipients[prefix] = f"{code} {text}"

    def clear(self) -> None:
        """Forget received messages and pending refusals."""
        self._inbox.clear()
        with self._lock:
            self._refusals.clear()
            self._refused_recipients.clear()

    def _next_refusal(self) -> str | None:
        with self._lock:
            return self._refusals.popleft() if self._refusals else None

    def _recipient_refusal(self, address: str) -> str | None:
        with self._lock:
            return next((answer for prefix, answer in self._refused_recipients.items()
                         if address.startswith(prefix)), None)

    def _authenticate(self, server: SMTP, session: Session, envelope: Envelope,
                      mechanism: str, auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and self._credentials is not None:
            login, password = auth_data.login.decode(), auth_data.password.decode()
            if (login, password) == self._credentials:
                return AuthResult(success=True, auth_data=login)
        return AuthResult(success=False, handled=False)


# -- webhooks -----------------------------------------------------------------------------
@dataclass(frozen=True)
class HookCall:
    """One request received: ``name`` is the last part of ``/hooks/<name>``; ``status``
    is what the sink answered; ``json`` is None if the body was not JSON; calls with the
    same ``client_port`` came on one connection."""

    method: str
    path: str
    name: str
    headers: dict[str, str]
    body: bytes
    json: Any
    received_at: datetime
    status: int
    client_port: int = 0  # the sender's port: calls on one kept-alive connection share it


@dataclass
class _Answer:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0
    name: str | None = None


class _HookServer(ThreadingHTTPServer):
    daemon_threads = False  # joined by server_close()
    block_on_close = True
    # several daemons at 16 sends each: socketserver's default backlog of 5 reset
    # connections a real receiver would have queued
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sink: WebhookSink,
                 keep_alive: bool = False) -> None:
        super().__init__(address, _HookHandler)
        self.sink = sink
        self.keep_alive = keep_alive
        self.stopping = threading.Event()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            logger.debug("webhook client %s went away", client_address)
        else:
            logger.exception("webhook sink failed answering %s", client_address)


class _HookHandler(BaseHTTPRequestHandler):
    server: _HookServer
    # headers and body go out in two writes: with Nagle's algorithm on a kept-alive
    # connection the body waits for the client's delayed ACK (~40 ms per request), which
    # a real receiver does not add and which hid the sender's own cost in the benchmarks
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"
    server_version = "WebhookSink/1.0"
    sys_version = ""
    timeout = 30

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self._receive()

    def do_PUT(self) -> None:  # noqa: N802
        self._receive()

    def _receive(self) -> None:
        self.close_connection = not self.server.keep_alive
        if self.server.keep_alive:
            self.connection.settimeout(1.0)  # idle keep-alive connections end quickly
        body = self._read_body()
        path = self.path.split("?", 1)[0]
        name = path.rstrip("/").rsplit("/", 1)[-1] if path.startswith("/hooks/") else ""
        answer = self.server.sink._next_answer(name)
        if answer.delay:
            with self.server.sink._holding():
                if self.server.stopping.wait(answer.delay):
                    return
        self.server.sink._inbox.add(HookCall(
            self.command, path, name, {k.lower(): v for k, v in self.headers.items()},
            body, _json_or_none(body), datetime.now(timezone.utc), answer.status,
            self.client_address[1],
        ))
        self.send_response(answer.status)
        for header, value in answer.headers:
            self.send_header(header, value)
        self.send_header("Content-Length", str(len(answer.body)))
        if not self.server.keep_alive:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(answer.body)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline().strip():
                pass  # trailers
            return b"".join(parts)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        logger.debug("%s " + format, self.address_string(), *args)


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


class WebhookSink(Service):
    """An HTTP server on 127.0.0.1 recording every POST/PUT, answering 200 "ok" unless
    told otherwise with :meth:`respond`. ``keep_alive`` keeps connections open between
    requests, as production receivers do (one connection per request otherwise)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *,
                 keep_alive: bool = False) -> None:
        self._address = (host, port)
        self._keep_alive = keep_alive
        self._inbox: _Inbox[HookCall] = _Inbox()
        self._answers: deque[_Answer] = deque()
        self._held = 0
        self._lock = threading.Lock()
        self._server: _HookServer | None = None
        self._thread: threading.Thread | None = None
        self.host, self.port = host, port

    def start(self) -> Self:
        if self._server is not None:
            return self
        self._server = _HookServer(self._address, self, self._keep_alive)
        address = self._server.server_address
        self.host, self.port = str(address[0]), int(address[1])
        self._thread = serve_in_thread(self._server, "webhook-sink")
        logger.info("webhook sink on %s", self.base_url)
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        shut_down(server, self._thread)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url_for(self, name: str) -> str:
        """The URL to configure for one webhook subscription: ``/hooks/<name>``; a
        ``name`` starting with ``/`` is a path taken as is (e.g. Slack's ``/services/...``)."""
        return self.base_url + (name if name.startswith("/") else f"/hooks/{name}")

    @property
    def calls(self) -> list[HookCall]:
        """Every request received so far, oldest first (a copy), refused ones included."""
        return self._inbox.snapshot()

    def wait_for(self, count: int = 1, timeout: float = 10.0, *, name: str | None = None,
                 accepted_only: bool = False) -> list[HookCall]:
        """Block until ``count`` matching calls arrived (only 2xx-answered ones if
        ``accepted_only``); TimeoutError otherwise."""
        def keep(call: HookCall) -> bool:
            return ((name is None or call.name == name)
                    and (not accepted_only or 200 <= call.status < 300))
        return self._inbox.wait_for(count, timeout, keep, f"webhook calls ({name or 'any'})")

    def respond(self, status: int, *, body: bytes | str = b"", retry_after: int | None = None,
                delay: float = 0.0, name: str | None = None, times: int = 1,
                headers: dict[str, str] | None = None) -> None:
        """Queue the answer for the next ``times`` calls (to ``name`` only, if given),
        e.g. ``respond(500)``, ``respond(429, retry_after=1)``, ``respond(400, body=...)``,
        ``respond(308, headers={"Location": ...})``; ``delay`` holds the answer back (a
        slow receiver). Then 200 "ok" again."""
        raw = body.encode("utf-8") if isinstance(body, str) else body
        answer = [("Content-Type", "text/plain; charset=utf-8"), *(headers or {}).items()]
        if retry_after is not None:
            answer.append(("Retry-After", str(retry_after)))
        with self._lock:
            self._answers.extend(_Answer(status, raw, answer, delay, name)
                                 for _ in range(times))

    def clear(self) -> None:
        """Forget received calls and queued answers."""
        self._inbox.clear()
        with self._lock:
            self._answers.clear()

    @property
    def held(self) -> int:
        """How many requests have arrived whose answer is being held back (``delay``)."""
        with self._lock:
            return self._held

    @contextmanager
    def _holding(self) -> Iterator[None]:
        with self._lock:
            self._held += 1
        try:
            yield
        finally:
            with self._lock:
                self._held -= 1

    def _next_answer(self, name: str) -> _Answer:
        with self._lock:
            for answer in self._answers:
                if answer.name is None or answer.name == name:
                    self._answers.remove(answer)
                    return answer
        return _Answer(200, b"ok", [("Content-Type", "text/plain; charset=utf-8")])
