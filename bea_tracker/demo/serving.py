"""What the local servers (LocalBea, the SMTP and webhook sinks) share: a context manager
over ``start()``/``stop()``, and an HTTP server run from a background thread."""

from __future__ import annotations

import threading
from socketserver import BaseServer
from types import TracebackType
from typing import Any, Self, cast


class Service:
    """``with`` starts the service and always stops it."""

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def serve_in_thread(server: BaseServer, name: str) -> threading.Thread:
    """Serve from a daemon thread, polling often so that stopping is quick."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name=name, daemon=True)
    thread.start()
    return thread


def shut_down(server: BaseServer, thread: threading.Thread | None) -> None:
    """Cut delayed answers short (``server.stopping``), stop, close, join the thread."""
    cast(Any, server).stopping.set()  # every server here has a ``stopping`` event
    server.shutdown()
    server.server_close()
    if thread is not None:
        thread.join()
