"""History tools: ``backfill`` (crawl the feed's past releases), ``plot``, ``browse``."""

from __future__ import annotations

import importlib.util
import json
import logging
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import click

from bea_tracker.app import App
from bea_tracker.cli.group import main
from bea_tracker.cli.options import check_indicator, fail, parse_since
from bea_tracker.cli.output import print_table, to_json_text

logger = logging.getLogger(__name__)

EXIT_INTERRUPTED = 130
WEB_INSTALL_HINT = "pip install 'bea-tracker[web]'"


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


def _parse_day(value: str | None, option: str = "--since") -> date | None:
    """The first day the value names (the shared --since grammar)."""
    when = parse_since(value, option)
    return when.date() if when else None


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
    first, last = _parse_day(since, "--since"), _parse_day(until, "--until")
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
    request = Request(Selection(_parse_day(since, "--since"), series, limit), tuple(urls),
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


def _parse_size(size: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", size)
    if not match or not (100 <= int(match[1]) <= 8000 and 100 <= int(match[2]) <= 8000):
        fail(f"--size: expected WIDTHxHEIGHT in pixels (100-8000), got {size!r}", 2)
    assert match is not None
    return int(match[1]), int(match[2])


@main.command()
@click.argument("key")
@click.option("--since", help="Only periods from this date on "
                              "(2026, 2026-01, 2026-01-31 or an ISO time).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="PNG file to write.")
@click.option("--terminal", is_flag=True, help="Draw the chart in the terminal (plotext).")
@click.option("--size", default="1200x675", show_default=True,
              help="PNG size in pixels, WIDTHxHEIGHT.")
@click.option("--unit", help="The unit to draw when the indicator has several.")
@click.option("--vintages", is_flag=True,
              help="Also draw superseded vintages of a release page (a corrected page).")
@click.pass_obj
def plot(app: App, key: str, since: str | None, out: Path | None, terminal: bool, size: str,
         unit: str | None, vintages: bool) -> None:
    """Chart an indicator over time, each estimate marked (advance, second, third, later
    releases' restatements): the path of each period, as ALFRED draws vintages."""
    from bea_tracker.history.plotting import (
        PlotUnavailable,
        build_series,
        render_png,
        render_terminal,
    )
    from db.queries import history, known_indicators

    if not out and not terminal:
        fail("give --out FILE.png, or --terminal to draw in the terminal", 2)
    width, height = _parse_size(size)
    first_day = _parse_day(since, "--since")
    with app.db.session() as session:
        stored = known_indicators(session)
        check_indicator(key, stored)
        series = build_series(key, history(session, key, vintages=vintages), first_day, unit)
    if series is None:
        when = f" for periods from {first_day}" if first_day else ""
        hint = "" if key in stored else " (run 'bea-tracker backfill' or 'poll' first)"
        fail(f"no figures stored for {key}{when}{unit and f' in {unit}' or ''}{hint}", 1)
    assert series is not None
    if series.other_units:
        click.echo(f"note: drawing {series.unit}; also stored: "
                   f"{', '.join(series.other_units)} (choose with --unit)", err=True)
    try:
        if terminal:
            click.echo(render_terminal(series, color=sys.stdout.isatty()), nl=False)
        if out:
            render_png(series, out, width, height)
            click.echo(f"wrote {out} ({width}x{height}, {len(series.points)} points)", err=True)
    except PlotUnavailable as exc:
        fail(str(exc), 1)


def datasette_command() -> list[str] | None:
    """How to run Datasette here, or None when the ``web`` extra is not installed."""
    beside = Path(sys.executable).with_name("datasette")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("datasette")
    if found:
        return [found]
    if importlib.util.find_spec("datasette") is not None:
        return [sys.executable, "-m", "datasette"]
    return None


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--open", "open_browser", is_flag=True, help="Open it in a web browser.")
@click.pass_obj
def browse(app: App, host: str, port: int, open_browser: bool) -> None:
    """Browse the SQLite database in Datasette (the optional [web] extra).

    The views latest_figures, figure_history and release_list are the place to start.
    """
    from sqlalchemy.engine import make_url

    url = make_url(app.config.database.resolved_url())
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        fail("browse serves a SQLite file; database.url is not one (use psql, where the "
             "same views exist)", 2)
    app.db.dispose()  # creating it applied the migrations, so the views exist
    command = datasette_command()
    if command is None:
        fail(f"Datasette is not installed; install the web extra: {WEB_INSTALL_HINT}", 1)
    assert command is not None
    path = Path(url.database).expanduser()
    with tempfile.TemporaryDirectory(prefix="bea-tracker-browse-") as folder:
        metadata = Path(folder) / "metadata.json"
        metadata.write_text(json.dumps(browse_metadata(path)), encoding="utf-8")
        argv = [*command, "serve", str(path), "--host", host, "--port", str(port),
                "--metadata", str(metadata)]
        argv += ["--open"] if open_browser else []
        click.echo(f"Datasette on http://{host}:{port}/ serving {path} (Ctrl-C to stop)",
                   err=True)
        code = run_child(argv)
    sys.exit(code)


#: tables whose rows hold secrets (subscription targets are Slack URLs, webhook URLs with
#: tokens, signing secrets); Datasette refuses them, and arbitrary SQL, which could read them
SECRET_TABLES = ("subscriptions",)


def browse_metadata(path: Path) -> dict[str, Any]:
    """Datasette metadata: the secret tables denied to everyone and hidden, arbitrary SQL
    off (the views latest_figures, figure_history and release_list are what to browse)."""
    return {"databases": {path.stem: {
        "allow_sql": False,
        "tables": {name: {"allow": False, "hidden": True} for name in SECRET_TABLES},
    }}}


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM if this process dies, even of SIGKILL."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run_child(argv: list[str], grace: float = 5.0) -> int:
    """Run ``argv`` as a child that stops with us: SIGTERM, SIGINT and SIGHUP to this
    process are passed on (then SIGKILL after ``grace``), so no Datasette is left holding
    the port. Exit 0 when stopped by a signal, else the child's exit code."""
    child = subprocess.Popen(argv, preexec_fn=_die_with_parent if sys.platform == "linux"
                             else None)
    stopped: list[float] = []

    def forward(_signum: int, _frame: object) -> None:
        stopped.append(time.monotonic())
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)

    watched = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {sig: signal.signal(sig, forward) for sig in watched}
    try:
        while True:
            try:
                code = child.wait(timeout=1.0)
                break
            except subprocess.TimeoutExpired:
                if stopped and time.monotonic() - stopped[0] > grace:
                    child.kill()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(grace)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return 0 if stopped else code
