"""Fan-out benchmark: 1,000 webhook subscriptions, one release, a local receiver.

The receiver keeps connections alive, as production webhook endpoints do. Times
``bea-tracker notify --once`` from its start to the receiver's last arrival (whole
process, so imports count), median of several rounds, each on a fresh outbox. For a
baseline in the same run it also times the same process with no subscriptions.
Run: ``.venv/bin/python bench/bench_fanout.py [--subs N] [--rounds R]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bea_tracker.demo.sinks import WebhookSink
from db.migrate import upgrade
from db.models import Cursor, Event, OutboxRow, SubscriptionRow
from db.records import FigureRecord, ReleaseRecord
from db.session import Database
from db.store import Fetched, store_snapshot

CLI = str(Path(sys.executable).with_name("bea-tracker"))
URL = "https://www.bea.gov/news/2026/gdp-second-estimate-and-corporate-profits-2nd-quarter-2026"


def seed(url: str, subs: int, hook_url: str) -> None:
    """``subs`` webhook subscriptions and one new release (real figures) to alert."""
    db = Database(url)
    upgrade(db.engine)
    now = datetime.now(timezone.utc)
    with db.unit_of_work() as s:
        s.query(OutboxRow).delete()
        s.query(Cursor).delete()
        s.query(Event).delete()
        s.query(SubscriptionRow).delete()
        s.add_all(SubscriptionRow(kind="webhook", target=f"{hook_url}-{i}", filter={},
                                  secret="0" * 64, active=True, created_at=now)
                  for i in range(subs))
        record = ReleaseRecord(
            url=URL, title="GDP (Second Estimate) and Corporate Profits, 2nd Quarter 2026",
            released_at=now - timedelta(seconds=5), series="GDP",
            figures=(FigureRecord("real_gdp", "Real GDP", "2026Q2", "second", 1.5,
                                  "percent_saar", 2.1, "2026Q1"),))
        store_snapshot(s, Fetched(URL, f"<html>{now}</html>".encode(), now), record)
    db.dispose()


def one_round(work: Path, url: str, subs: int, sink: WebhookSink) -> float:
    seed(url, subs, sink.url_for("fan"))
    sink.clear()
    t0 = time.perf_counter()
    proc = subprocess.run([CLI, "--config", str(work / "config.yaml"), "notify", "--once"],
                          capture_output=True, text=True, check=True)
    if subs:
        sink.wait_for(subs, timeout=120)
        last = max(c.received_at for c in sink.calls)
        elapsed = time.perf_counter() - t0
        assert f"delivered {subs}" in proc.stdout, proc.stdout
        return elapsed if last else elapsed
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, WebhookSink(keep_alive=True) as sink:
        work = Path(tmp)
        url = f"sqlite:///{work / 'fanout.db'}"
        (work / "config.yaml").write_text(
            f"database:\n  url: {url}\ndelivery:\n  concurrency: {args.concurrency}\n"
            "  allow_private_targets: true\n"
            "logging:\n  level: WARNING\n")
        base = [one_round(work, url, 0, sink) for _ in range(args.rounds)]
        fan = [one_round(work, url, args.subs, sink) for _ in range(args.rounds)]
    print(f"notify --once, no subscriptions:      median {statistics.median(base):.2f} s "
          f"(min {min(base):.2f}, max {max(base):.2f})")
    print(f"notify --once, {args.subs} webhooks -> last arrival: median "
          f"{statistics.median(fan):.2f} s (min {min(fan):.2f}, max {max(fan):.2f}); "
          f"concurrency {args.concurrency}; target <= 3 s")
    per = (statistics.median(fan) - statistics.median(base)) / max(args.subs, 1) * 1000
    print(f"per delivery beyond the empty run: {per:.2f} ms; ratio to the empty run "
          f"{statistics.median(fan) / statistics.median(base):.1f}x; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
