"""Release-page extraction throughput: ``extract_release`` versus a BeautifulSoup baseline.

Run: ``.venv/bin/python bench/bench_extract.py [--rounds 7] [--loops 40]``

Both sides parse the same three real BEA release pages (tests/fixtures/bea/) and must find
the same headline figures; the run checks that before timing. The baseline is the
straightforward way: BeautifulSoup(html, "html.parser"), ``find``/``find_all`` for the
title, embargo line and body paragraphs, then the very same family extractors. So the
ratio measures the page reading, which is what differs.

Throughput is pages per second of process CPU time in one thread, i.e. per core (CPU time
rather than wall time, so other work on a shared machine does not skew it); the median of
several rounds is reported, with wall-clock figures alongside. Targets: >= 300 pages/s/core
and >= 5x the baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from db.records import FigureRecord  # noqa: E402
from scraper.extract import extract_release  # noqa: E402
from scraper.extract.families import family_for  # noqa: E402
from scraper.extract.generic import extract_generic  # noqa: E402
from scraper.extract.numbers import clean_text  # noqa: E402
from scraper.extract.page import ReleasePage  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "bea"
PAGES = {
    "release-gdp-2026q2-advance.html":
        "https://www.bea.gov/news/2026/gdp-advance-estimate-2nd-quarter-2026",
    "release-ita-2026q1-annual-update.html":
        "https://www.bea.gov/news/2026/us-international-transactions-and-investment-position-"
        "1st-quarter-2026-and-annual-update",
    "release-pio-2026-07-ws-normalized.html":
        "https://www.bea.gov/news/2026/personal-income-and-outlays-july-2026",
}
HEADLINES = {"real_gdp", "personal_income", "current_account_balance", "niip",
             "pce_price_index", "core_pce_price_index"}


def baseline(html: bytes, url: str) -> tuple[FigureRecord, ...]:
    """BeautifulSoup(html.parser) reading the page, then the same family extractors."""
    soup = BeautifulSoup(html, "html.parser")
    titles = [clean_text(h.get_text()) for h in soup.find_all("h1")]
    title = next((t for t in titles if t.lower() != "news release"), "")
    date = soup.find("div", class_="field--name-field-release-date")
    body = soup.find("div", class_="release-body")
    body = body.find("div", class_="field--name-body") if body else None
    paragraphs = tuple(clean_text(p.get_text()) for p in body.find_all(["p", "li", "h3"])) \
        if body else ()
    tables = tuple(
        tuple(tuple(clean_text(c.get_text()) for c in tr.find_all(["th", "td"]))
              for tr in t.find_all("tr"))
        for t in (body.find_all("table") if body else [])
    )
    page = ReleasePage(title=title, date_line=clean_text(date.get_text()) if date else None,
                       paragraphs=tuple(p for p in paragraphs if p), table_rows=tables)
    extract_generic(page)
    family = family_for(title, url)
    return family.extract(page, title).ordered() if family else ()


def ours(html: bytes, url: str) -> tuple[FigureRecord, ...]:
    return extract_release(html, url).figures


def headline(figures: tuple[FigureRecord, ...]) -> set[tuple]:
    return {(f.indicator, f.unit, f.period, f.value) for f in figures if f.indicator in HEADLINES}


def one_round(fn: Callable[[bytes, str], object], pages: list[tuple[bytes, str]],
              loops: int) -> tuple[float, float]:
    """(pages per CPU second, pages per wall second) for ``loops`` passes over ``pages``."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(loops):
        for html, url in pages:
            fn(html, url)
    n = loops * len(pages)
    return n / (time.process_time() - cpu), n / (time.perf_counter() - wall)


def measure(fn: Callable[[bytes, str], object], pages: list[tuple[bytes, str]], rounds: int,
            loops: int) -> tuple[float, float]:
    fn(*pages[0])  # warm up imports and caches
    results = [one_round(fn, pages, loops) for _ in range(rounds)]
    return (statistics.median(r[0] for r in results), statistics.median(r[1] for r in results))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--loops", type=int, default=40, help="passes over the 3 pages/round")
    args = parser.parse_args()
    pages = [((FIXTURES / name).read_bytes(), url) for name, url in PAGES.items()]
    for html, url in pages:
        mine, theirs = headline(ours(html, url)), headline(baseline(html, url))
        if not mine or mine != theirs:
            print(f"headline figures differ for {url}: {mine ^ theirs}", file=sys.stderr)
            return 1
    base_loops = max(1, args.loops // 8)
    fast_cpu, fast_wall = measure(ours, pages, args.rounds, args.loops)
    slow_cpu, slow_wall = measure(baseline, pages, args.rounds, base_loops)
    print(f"pages: {len(pages)} real BEA release pages; rounds: {args.rounds} "
          f"(medians), one thread")
    print(f"extract_release (parsel):          {fast_cpu:8.1f} pages/s/core "
          f"(wall {fast_wall:.1f}/s)")
    print(f"baseline BeautifulSoup(html.parser): {slow_cpu:6.1f} pages/s/core "
          f"(wall {slow_wall:.1f}/s)")
    print(f"ratio: {fast_cpu / slow_cpu:.1f}x   targets: >= 300 pages/s/core, >= 5x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
