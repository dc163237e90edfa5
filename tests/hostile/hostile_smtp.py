"""A hostile SMTP server on 127.0.0.1: a plain asyncio server (not an SMTP implementation)
that greets like a mail server and then answers EHLO with a reply that never ends, or with
one 10 MB line. The tests' real SMTP sink is ``smtp`` (tests/support/servers.py)."""

from __future__ import annotations

import asyncio
import contextlib
import threading

LINE = b"250-" + b"x" * 1000 + b"\r\n"


class HostileSmtp:
    """``mode``: ``endless`` (``250-...`` lines for ever), ``long_line`` (one 10 MB line)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.connections = 0
        self.sent = 0  # bytes written into the socket (the client may read fewer)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self.port = 0
        self._thread = threading.Thread(target=self._main, name="hostile-smtp", daemon=True)
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the hostile SMTP server did not start")

    def _main(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stop.wait()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await self._write(writer, b"220 hostile.test ESMTP\r\n")
            await reader.readline()  # EHLO
            if self.mode == "endless":
                chunk = LINE * 64
                while self._stop is not None and not self._stop.is_set():
                    await self._write(writer, chunk)
            else:
                await self._write(writer, b"250 " + b"x" * (10 * 1024 * 1024) + b"\r\n")
                while await reader.readline():
                    await self._write(writer, b"250 ok\r\n")
        except (ConnectionError, OSError):
            pass  # the client cut it: the point of the exercise
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    async def _write(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        writer.write(data)
        await writer.drain()
        self.sent += len(data)

    def stop(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)
