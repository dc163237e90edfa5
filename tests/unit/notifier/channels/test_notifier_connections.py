"""The senders' connections: kept alive and reused across sends, cut (not reused) after a
reply too large to read, and made only to addresses the sender resolved and checked."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notifier import targets
from notifier.channels.http_post import REPLY_READ_LIMIT, post
from notifier.channels.netbackend import AsyncioBackend, CheckedBackend
from notifier.errors import TargetInside


@dataclass
class Context:
    timeout: float = 10.0
    allow_private_targets: bool = True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1  # type: ignore[attr-defined]

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers["Content-Length"]))
        reply = b"x" * self.server.reply_size  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.connections, self.reply_size = 0, 2
        self.url = f"http://127.0.0.1:{self.server_address[1]}/hook"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_sends_to_one_receiver_reuse_one_connection(receiver: Receiver) -> None:
    for n in range(5):
        post(receiver.url, b'{"n": %d}' % n, {"Content-Type": "application/json"}, Context())
    assert receiver.connections == 1


def test_a_reply_too_large_to_read_closes_its_connection(receiver: Receiver) -> None:
    receiver.reply_size = 4 * REPLY_READ_LIMIT  # read up to the limit, then dropped
    post(receiver.url, b"{}", {}, Context())
    post(receiver.url, b"{}", {}, Context())
    assert receiver.connections == 2


def fake_resolver(answer: list[str]):
    return lambda host, port: [ipaddress.ip_address(a) for a in answer]


def test_a_name_resolving_inside_is_refused_before_any_connection(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        monkeypatch.setattr(targets, "resolve_addresses",
                            fake_resolver(["93.184.216.34", "127.0.0.1"]))
        backend = CheckedBackend(AsyncioBackend(), allow_private=False)
        with pytest.raises(TargetInside, match="resolves to 127.0.0.1 when connecting"):
            asyncio.run(backend.connect_tcp("flip.example", port, timeout=5))
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing ever connected


def test_the_connection_goes_to_the_address_resolved_for_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        monkeypatch.setattr(targets, "resolve_addresses", fake_resolver(["127.0.0.1"]))
        backend = CheckedBackend(AsyncioBackend(), allow_private=True)

        async def connect() -> tuple[str, int]:
            stream = await backend.connect_tcp("receiver.example", port, timeout=5)
            try:
                return stream.get_extra_info("server_addr")
            finally:
                await stream.aclose()

        assert asyncio.run(connect()) == ("127.0.0.1", port)
