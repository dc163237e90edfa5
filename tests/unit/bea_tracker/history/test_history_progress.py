"""Backfill progress (a rich bar on a terminal, plain lines elsewhere) and Ctrl-C handling."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import threading
from dataclasses import dataclass

from rich.console import Console

from bea_tracker.cli.backfill import ProgressReporter
from bea_tracker.history.backfill import Interrupt


@dataclass
class Outcome:
    url: str
    ok: bool = True
    error: str | None = None


def _run_pages(reporter: ProgressReporter, outcomes: list[Outcome]) -> None:
    """Report each outcome from its own thread, as the crawler's worker threads do."""
    reporter.start(len(outcomes))
    threads = [threading.Thread(target=reporter.page_done, args=(o,)) for o in outcomes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reporter.stop()


PAGES = [Outcome("https://www.bea.gov/news/a"), Outcome("https://www.bea.gov/news/b"),
         Outcome("https://www.bea.gov/news/c", ok=False, error="HTTP 404")]


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    reporter = ProgressReporter(Console(file=out, force_terminal=False))

    _run_pages(reporter, PAGES)

    lines = out.getvalue().splitlines()
    assert lines[0] == "backfill: fetching 3 pages"
    assert sorted(line.split("]")[0] for line in lines[1:4]) == ["[1/3", "[2/3", "[3/3"]
    assert "failed (HTTP 404) https://www.bea.gov/news/c" in out.getvalue()
    assert lines[4].startswith("backfill: 3/3 done, 1 failed, ")
    assert "\x1b[" not in out.getvalue()  # no cursor movement or colour in a log file


def test_rich_bar_on_a_terminal_reaches_the_total():
    out = io.StringIO()
    reporter = ProgressReporter(Console(file=out, force_terminal=True, width=100))

    _run_pages(reporter, PAGES)

    final = out.getvalue().split("\r")[-1]  # the last redraw of the bar
    assert reporter.live and reporter.done == 3 and reporter.failed == 1
    assert "3/3" in final and "1 failed" in final and "ETA" in final


class FakeRunner:
    def __init__(self) -> None:
        self.stops = 0
        self.stopped = asyncio.Event()

    async def stop(self) -> None:
        self.stops += 1
        self.stopped.set()


def _with_interrupt(grace: float, crawl, presses: int):
    """Run ``crawl(runner)`` guarded, sending real SIGINTs to this process meanwhile."""
    outcome: dict = {}

    async def main() -> None:
        runner = FakeRunner()
        interrupt = Interrupt(_Notes(), grace=grace)
        interrupt.install()
        try:
            guarded = asyncio.ensure_future(interrupt.guard(crawl(runner), runner))
            await asyncio.sleep(0.05)
            for _ in range(presses):
                os.kill(os.getpid(), signal.SIGINT)
                await asyncio.sleep(0.05)
            outcome["result"] = await asyncio.wait_for(guarded, timeout=10)
        finally:
            interrupt.uninstall()
        outcome.update(runner=runner, interrupt=interrupt)

    previous = signal.getsignal(signal.SIGINT)
    asyncio.run(main())
    assert signal.getsignal(signal.SIGINT) is previous  # handler restored
    return outcome


class _Notes:
    def __init__(self) -> None:
        self.notes: list[str] = []

    def note(self, message: str) -> None:
        self.notes.append(message)


def test_first_ctrl_c_stops_the_crawl_gracefully():
    async def crawl(runner: FakeRunner) -> list[str]:
        await runner.stopped.wait()  # a crawl ends once Scrapy stops it
        return ["pages done before the stop"]

    got = _with_interrupt(5.0, crawl, presses=1)

    assert got["result"] == ["pages done before the stop"]
    assert got["runner"].stops == 1
    assert got["interrupt"].requested and not got["interrupt"].forced
    assert "press Ctrl-C again to stop now" in got["interrupt"].reporter.notes[0]


def test_pages_still_in_flight_after_the_grace_are_abandoned():
    async def crawl(runner: FakeRunner) -> list[str]:
        await asyncio.sleep(60)  # a page that never answers
        return []

    got = _with_interrupt(0.2, crawl, presses=1)

    assert got["result"] is None and got["interrupt"].forced


def test_second_ctrl_c_stops_at_once():
    async def crawl(runner: FakeRunner) -> list[str]:
        await asyncio.sleep(60)
        return []

    got = _with_interrupt(60.0, crawl, presses=2)

    assert got["result"] is None and got["interrupt"].presses == 2
    assert got["interrupt"].forced


def test_a_graceful_stop_leaves_the_rest_of_the_run_alone():
    """After the crawl ended within the grace, the grace timer must not cancel the run."""

    async def main() -> str:
        runner = FakeRunner()
        interrupt = Interrupt(_Notes(), grace=0.1)
        interrupt.install()
        try:
            async def crawl() -> list[str]:
                await runner.stopped.wait()
                return []

            guarded = asyncio.ensure_future(interrupt.guard(crawl(), runner))
            await asyncio.sleep(0.05)
            os.kill(os.getpid(), signal.SIGINT)
            await guarded
            await asyncio.sleep(0.3)  # past the grace: writing the summary goes on
            return "summary written"
        finally:
            interrupt.uninstall()

    assert asyncio.run(main()) == "summary written"
