"""What clients asked the local BEA, so tests can assert politeness ("idle polls were 304")."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RequestRecord:
    """One request: ``at`` is when it arrived; ``conditional`` means it sent
    If-None-Match or If-Modified-Since; ``status`` is what was answered (0 if the
    connection was dropped before answering, e.g. the server stopped mid-delay)."""

    method: str
    path: str
    query: str
    status: int
    conditional: bool
    at: datetime
    user_agent: str = ""


class RequestLog:
    """Thread-safe, append-only log of requests with counting and bounded waiting."""

    def __init__(self) -> None:
        self._records: list[RequestRecord] = []
        self._in_flight = 0
        self._changed = threading.Condition()

    @property
    def in_flight(self) -> int:
        """Requests received but not yet answered (e.g. held by a ``delay`` fault)."""
        with self._changed:
            return self._in_flight

    def request_started(self) -> None:
        with self._changed:
            self._in_flight += 1
            self._changed.notify_all()

    def request_finished(self) -> None:
        with self._changed:
            self._in_flight -= 1
            self._changed.notify_all()

    def append(self, record: RequestRecord) -> None:
        with self._changed:
            self._records.append(record)
            self._changed.notify_all()

    def records(self, path: str | None = None, *, status: int | None = None,
                conditional: bool | None = None, method: str | None = None,
                ) -> list[RequestRecord]:
        """A copy of the matching records, oldest first (None = any)."""
        with self._changed:
            return [r for r in self._records if _matches(r, path, status, conditional, method)]

    def count(self, path: str | None = None, *, status: int | None = None,
              conditional: bool | None = None, method: str | None = None) -> int:
        """How many requests match (None = any)."""
        return len(self.records(path, status=status, conditional=conditional, method=method))

    def wait_for(self, path: str | None = None, count: int = 1, timeout: float = 10.0, *,
                 status: int | None = None, conditional: bool | None = None,
                 ) -> list[RequestRecord]:
        """Block until ``count`` matching requests arrived; TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [r for r in self._records
                         if _matches(r, path, status, conditional, None)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(
                        f"{len(found)} of {count} requests for {path or 'any path'}"
                        f" (status={status}) within {timeout} s"
                    )
                self._changed.wait(left)

    def clear(self) -> None:
        """Forget every record (e.g. between the phases of one test)."""
        with self._changed:
            self._records.clear()


def _matches(record: RequestRecord, path: str | None, status: int | None,
             conditional: bool | None, method: str | None) -> bool:
    return ((path is None or record.path == path)
            and (status is None or record.status == status)
            and (conditional is None or record.conditional == conditional)
            and (method is None or record.method == method))
