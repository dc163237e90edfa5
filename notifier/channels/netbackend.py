"""The network under the senders' connection pools: plain asyncio sockets, and a check of
every address a new connection goes to.

``CheckedBackend`` is the DNS-rebinding guard: it resolves the name once with the target
policy's resolver (notifier/targets.py), refuses the name if any address is loopback,
private, link-local or reserved (unless private targets are allowed), and connects to a
checked IP itself; httpcore keeps ``Host`` and TLS SNI (and certificate checks) on the name.

``AsyncioBackend`` is httpcore's network layer on asyncio streams directly: the anyio
backend's per-read cancel scopes and attribute lookups cost more CPU than the rest of a
pooled send. Timeouts map to httpcore's exceptions; the sender's one deadline for the whole
exchange (http_post.py) bounds everything anyway.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore

from notifier import targets
from notifier.errors import TargetInside

FLUSH_AT = 64 * 1024  # bytes written before they are sent without waiting for a read


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection as asyncio's reader/writer pair."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer
        self._socket = writer.get_extra_info("socket")
        self._pending: list[bytes] = []  # written, not yet sent: see write()

    async def _flush(self) -> None:
        if self._pending:
            data, self._pending = b"".join(self._pending), []
            self._writer.write(data)
            await self._writer.drain()

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                await self._flush()
                return await self._reader.read(max_bytes)
        except TimeoutError:
            raise httpcore.ReadTimeout("read timed out") from None
        except OSError as exc:
            raise httpcore.ReadError(f"{type(exc).__name__}: {exc}") from None

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Kept until the next read (a request is always followed by reading its reply)
        or until it is large: a request's head and body go out in one system call."""
        if not buffer:
            return
        self._pending.append(buffer)
        if sum(map(len, self._pending)) < FLUSH_AT:
            return
        try:
            async with asyncio.timeout(timeout):
                await self._flush()
        except TimeoutError:
            raise httpcore.WriteTimeout("write timed out") from None
        except OSError as exc:
            raise httpcore.WriteError(f"{type(exc).__name__}: {exc}") from None

    async def aclose(self) -> None:
        # never waits for the peer (a hostile one would hold us): the transport closes
        # in the background, a TLS one aborting after its own shutdown timeout
        self._writer.close()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        try:
            await self._writer.start_tls(ssl_context, server_hostname=server_hostname,
                                         ssl_handshake_timeout=timeout)
        except TimeoutError:
            self._writer.close()
            raise httpcore.ConnectTimeout("TLS handshake timed out") from None
        except (OSError, ssl.SSLError) as exc:  # SSLError (certificate) is an OSError too
            self._writer.close()
            raise httpcore.ConnectError(f"{type(exc).__name__}: {exc}") from None
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # the loop reads every connection as data arrives, so a peer's close of an
            # idle connection is already seen here, without a poll() per idle connection
            # on every request (httpcore asks before each reuse)
            return self._reader.at_eof() or self._reader.exception() is not None
        if info == "socket":
            return self._socket
        if info == "ssl_object":
            return self._writer.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        return None


class TcpOnlyBackend(httpcore.AsyncNetworkBackend):
    """Senders speak TCP only."""

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("senders never connect to a unix socket")


class AsyncioBackend(TcpOnlyBackend):
    """Connect with ``asyncio.open_connection`` (TCP_NODELAY is asyncio's default)."""

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, local_addr=(local_address, 0) if local_address else None)
        except TimeoutError:
            raise httpcore.ConnectTimeout("connect timed out") from None
        except OSError as exc:
            raise httpcore.ConnectError(f"{type(exc).__name__}: {exc}") from None
        sock: socket.socket | None = writer.get_extra_info("socket")
        for option in socket_options or ():
            if sock is not None:
                sock.setsockopt(*option)
        return AsyncioStream(reader, writer)


    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class CheckedBackend(TcpOnlyBackend):
    """Resolve, check every address, connect to a checked one (never re-resolved)."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, allow_private: bool) -> None:
        self._inner = inner
        self._allow_private = allow_private

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            # the resolver blocks: in the loop's default executor, bounded by the deadline
            found = await loop.run_in_executor(None, targets.resolve_addresses, host, port)
        except (OSError, UnicodeError, ValueError) as exc:
            raise httpcore.ConnectError(f"{type(exc).__name__}: name does not resolve") \
                from None
        if not found:
            raise httpcore.ConnectError("name resolves to no address")
        if not self._allow_private:
            inside = next((ip for ip in found if targets.is_internal(ip)), None)
            if inside is not None:
                raise TargetInside(
                    f"target resolves to {inside} when connecting, a loopback, private, "
                    f"link-local or reserved address; refused ({targets.ALLOW_HINT})")
        failure: Exception | None = None
        for ip in dict.fromkeys(found):  # each checked address once, in resolver order
            try:
                return await self._inner.connect_tcp(
                    str(ip), port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure


    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
