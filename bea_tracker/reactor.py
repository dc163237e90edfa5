"""Running async work in one process: Twisted's asyncio reactor, Scrapy, httpx, APScheduler.

The reactor must be installed before anything imports ``twisted.internet.reactor``; then
one asyncio loop carries Scrapy's AsyncCrawlerRunner, the HTTP client and the scheduler.
A process can run the reactor once, which is all a CLI command needs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from scraper.crawl.settings import ASYNCIO_REACTOR

logger = logging.getLogger(__name__)
T = TypeVar("T")


def install_asyncio_reactor() -> None:
    from scrapy.utils.reactor import install_reactor, is_reactor_installed

    if not is_reactor_installed():
        install_reactor(ASYNCIO_REACTOR)


def run_in_reactor(main: Callable[[], Awaitable[T]]) -> T:
    """Run ``main()`` on the asyncio loop under Twisted's reactor; return its result."""
    install_asyncio_reactor()
    from scrapy.utils.defer import deferred_from_coro
    from twisted.internet import reactor as _reactor

    reactor: Any = _reactor  # the installed reactor; its interfaces are not typed as such

    outcome: dict[str, Any] = {}

    def finish(result: Any) -> None:
        outcome["result"] = result
        reactor.callLater(0, reactor.stop)

    def start() -> None:
        deferred = deferred_from_coro(main())
        deferred.addBoth(finish)

    reactor.callWhenRunning(start)
    reactor.run(installSignalHandlers=False)
    result = outcome.get("result")
    from twisted.python.failure import Failure

    if isinstance(result, Failure):
        result.raiseException()
    return result  # type: ignore[return-value]
