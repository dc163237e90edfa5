"""``backfill``: crawl the feed's (or BEA's archive's) past releases, with progress."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import click

from bea_tracker.app import App
from bea_tracker.cli.group import main
from bea_tracker.cli.options import fail, parse_day
from bea_tracker.cli.output import print_table, to_json_text

logger = logging.getLogger(__name__)

EXIT_INTERRUPTED = 130


class ProgressReporter:
    """Backfill progress on stderr: a rich bar (done/total, failures, ETA) on a terminal,
    one plain line per page otherwise (logs, CI, pipes). Thread-safe."""

    def __init__(self, console: Any = None) -> None:
        from rich.console import Console

        self.console = console or Console(stderr=True)
        self.live = self.console.is_terminal
        self.total = self.done = self.failed = 0
        self._lock = threading.Lock()
        self._progress: Any = None
        self._task: Any = None
        self._started = time.monotonic()

    def start(self, total: int) -> None:
        self.total, self._started = total, time.monotonic()
        if not self.live:
            self._plain(f"backfill: fetching {total} pages")
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]backfill"), BarColumn(), MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed"), TimeElapsedColumn(),
            TextColumn("ETA"), TimeRemainingColumn(), console=self.console,
        )
        self._task = self._progress.add_task("backfill", total=total, failed=0)
        self._progress.start()

    def page_done(self, outcome: Any) -> None:
        with self._lock:
            self.done += 1
            self.failed += 0 if outcome.ok else 1
            done, failed = self.done, self.failed
            if self._progress is not None:
                self._progress.update(self._task, advance=1, failed=failed)
                return
        what = "stored" if outcome.ok else f"failed ({outcome.error})"
        self._plain(f"[{done}/{self.total}] {what} {outcome.url}")

    def note(self, message: str) -> None:
        if self._progress is not None:
            self._progress.console.print(message, style="yellow", highlight=False, markup=False)
        else:
            self._plain(message)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        elif self.total:
            self._plain(f"backfill: {self.done}/{self.total} done, {self.failed} failed, "
                        f"{time.monotonic() - self._started:.1f} s")

    def _plain(self, line: str) -> None:
        self.console.file.write(line + "\n")
        self.console.file.flush()


def _archive_request(series: str | None, since: str | None, until: str | None,
                     dry_run: bool) -> Any:
    """``--archive``'s request: the products ``--series`` names (all known ones without)."""
    from bea_tracker.history.archive import ArchiveRequest
    from scraper.archive import PRODUCTS, product_for

    products = PRODUCTS
    if series:
        product = product_for(series)
        if product is None:
            known = "; ".join(f"{p.name} ({', '.join(p.aliases)})" for p in PRODUCTS)
            fail(f"--series {series!r}: the archive backfill knows {known}", 2)
        products = (product,)
    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    if first and last and last < first:
        fail(f"--until {until} is before --since {since}", 2)
    return ArchiveRequest(tuple(products), first, last, dry_run)


@main.command()
@click.option("--archive", is_flag=True,
              help="Walk BEA's news archive (not the feed): every release in the range.")
@click.option("--since", help="Only releases published on or after this date "
                              "(2026, 2026-01, 2026-01-31 or an ISO time).")
@click.option("--until", help="With --archive: only releases published on or before this date.")
@click.option("--series", help="Only feed items whose series or title contains this text; "
                               "with --archive a product: GDP or 'Personal Income'.")
@click.option("--limit", type=click.IntRange(min=0),
              help="At most N feed items (newest first); 0 with --urls crawls only the file.")
@click.option("--urls", "urls_file", type=click.Path(exists=True, dir_okay=False),
              help="Also crawl these URLs: one per line, '#' starts a comment.")
@click.option("--dry-run", is_flag=True,
              help="With --archive: read the listing, print what would be fetched and the "
                   "request budget; fetch no release page.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def backfill(app: App, archive: bool, since: str | None, until: str | None,
             series: str | None, limit: int | None, urls_file: str | None, dry_run: bool,
             as_json: bool) -> None:
    """Crawl past release pages from the feed (and --urls), or with --archive from BEA's
    news archive, into the history.

    Pages already stored are skipped, so a second run resumes an interrupted one (Ctrl-C
    keeps what was stored). Backfilled releases are history: they raise no alerts. Exit 0
    even when some pages failed (they are listed); 1 if the feed or the archive listing
    cannot be read (nothing is crawled then).
    """
    from bea_tracker.history.archive import ArchiveUnavailable
    from bea_tracker.history.backfill import (
        FeedUnavailable,
        Interrupt,
        Request,
        Selection,
        UrlFileError,
        read_url_file,
        run_backfill,
    )
    from bea_tracker.reactor import run_in_reactor
    from scraper.archive import ArchiveLayoutError

    if archive and (limit is not None or urls_file):
        fail("--archive takes --series, --since, --until and --dry-run (not --limit or "
             "--urls)", 2)
    if not archive and (until or dry_run):
        fail("--until and --dry-run go with --archive", 2)
    urls: list[str] = []
    if urls_file:
        try:
            text = Path(urls_file).read_text(encoding="utf-8")
            urls = read_url_file(text, app.config.bea.base_url)
        except (UrlFileError, UnicodeDecodeError) as exc:
            fail(f"--urls {urls_file}: {exc}", 2)
    request = Request(Selection(parse_day(since, "--since"), series, limit), tuple(urls),
                      _archive_request(series, since, until, dry_run) if archive else None)
    reporter = ProgressReporter()
    app.db  # noqa: B018 - migrate before the reactor starts
    interrupt = Interrupt(reporter)

    async def job() -> Any:  # backfill's summary
        interrupt.install()
        try:
            return await run_backfill(app, request, reporter, interrupt)
        finally:
            interrupt.uninstall()

    try:
        summary = run_in_reactor(job)
    except (FeedUnavailable, ArchiveUnavailable) as exc:
        fail(str(exc), 1)
    except ArchiveLayoutError as exc:
        fail(f"{exc}; nothing was crawled", 1)
    except (KeyboardInterrupt, _asyncio_cancelled(), _twisted_cancelled()):
        fail("interrupted before any page was fetched; nothing was stored", EXIT_INTERRUPTED)
    _print_summary(summary, as_json)
    if summary.interrupted:
        sys.exit(EXIT_INTERRUPTED)


def _asyncio_cancelled() -> type[BaseException]:
    import asyncio  # not at import: every command would pay for it

    return asyncio.CancelledError


def _twisted_cancelled() -> type[BaseException]:
    from twisted.internet.defer import CancelledError

    return CancelledError


def _print_summary(summary: Any, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(to_json_text(summary.to_json()) + "\n")
        return
    click.echo(summary.line())
    if summary.budget is not None:
        click.echo(_budget_line(summary))
    if summary.dry_run:
        print_table(summary.planned, [("url", "Would fetch"), ("title", "Title")], "Planned")
    if summary.failed:
        print_table(summary.failed, [("url", "Failed page"), ("reason", "Reason")], "Failed")
    skipped = [{"url": s.url, "reason": s.reason} for s in summary.skipped]
    if summary.listing is not None and len(skipped) > 10:  # an archive re-run: count them
        reasons = Counter(s["reason"] for s in skipped)
        click.echo("skipped: " + ", ".join(f"{n} {why}" for why, n in reasons.items()))
    elif skipped:
        print_table(skipped, [("url", "Skipped page"), ("reason", "Reason")], "Skipped")
    if summary.not_fetched:
        print_table([{"url": u} for u in summary.not_fetched], [("url", "Not fetched")])


def _budget_line(summary: Any) -> str:
    from bea_tracker.history.archive import Budget

    listing, cost = summary.listing, summary.budget
    made = Budget(cost["listing"], cost["pages"], cost["robots"])
    return (f"archive listing: {listing['listing_pages']} pages read "
            f"({listing['listing_not_modified']} not modified), {listing['releases_listed']} "
            f"releases in range; {made.line()}"
            + (f"; paused {summary.paused} time(s) for a release's burst window"
               if summary.paused else ""))
