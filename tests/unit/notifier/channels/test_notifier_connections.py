"""The senders' connections: kept alive and reused across sends, cut (not reused) after a
reply too large to read, and made only to addresses the sender resolved and checked."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bea_tracker.demo.sinks import WebhookSink
from notifier import targets
from notifier.channels.http_post import REPLY_READ_LIMIT, post
from notifier.channels.netbackend import AsyncioBackend, CheckedBackend
from notifier.errors import TargetInside


@dataclass
class Context:
    timeout: float = 10.0
    allow_private_targets: bool = True


@pytest.fixture
def kept() -> Iterator[WebhookSink]:
    """The shared webhook sink, keeping connections alive as production receivers do."""
    with WebhookSink(keep_alive=True) as sink:
        yield sink


def connections(sink: WebhookSink) -> int:
    return len({call.client_port for call in sink.calls})


def test_sends_to_one_receiver_reuse_one_connection(kept: WebhookSink) -> None:
    for n in range(5):
        post(kept.url_for("a"), b'{"n": %d}' % n, {"Content-Type": "application/json"},
             Context())
    kept.wait_for(5)
    assert connections(kept) == 1


def test_a_reply_too_large_to_read_closes_its_connection(kept: WebhookSink) -> None:
    kept.respond(200, body=b"x" * (4 * REPLY_READ_LIMIT))  # read up to the limit, dropped
    post(kept.url_for("a"), b"{}", {}, Context())
    post(kept.url_for("a"), b"{}", {}, Context())
    kept.wait_for(2)
    assert connections(kept) == 2


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
            stream = await backend.connect_tcp("kept.example", port, timeout=5)
            try:
                return stream.get_extra_info("server_addr")
            finally:
                await stream.aclose()

        assert asyncio.run(connect()) == ("127.0.0.1", port)
