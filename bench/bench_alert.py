"""Time to alert, and what the polling costs BEA.

1. Simulation: the daemon (``bea-tracker run``, its own process) against a local BEA with
   repeated synthetic releases, each page going live at a random moment within the second
   after its scheduled second (BEA publishes at the scheduled second; any phase of the 1 s
   dense ticks is as likely) and its feed item ``--feed-delay`` s later (BEA: ~90 s). One
   release in four has a URL the title rule cannot predict (a slug BEA cut short), so only
   the feed can find it. For each release: time from the page going live, and from the feed
   changing, to the webhook receiver's arrival; p50/p95; how far ahead of the feed the alert
   was; and the requests the daemon actually made, from the local BEA's request log. Polling
   is the default except ``burst_before`` (10 s, not 60 s: earlier ticks only add 404
   probes).
2. Budget: requests per day that the default polling configuration (idle 5 min; bursts
   from 1 min before to 15 min after each release: the page every 1 s for 20 s from the
   scheduled time, then backing off; the feed at the window's start, then backing off,
   shared by bursts at the same time) makes against BEA's real calendar (the bundled ICS),
   on average and on its busiest day, counted by the daemon's own tick rule (BurstTicks).

Run: ``.venv/bin/python bench/bench_alert.py [--releases N] [--feed-delay S] [--seed N]``
(about 30 s + N x gap + feed-delay: 5 minutes by default). Prints figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

import yaml

from bea_tracker.config import PollingConfig
from bea_tracker.daemon.bursts import FEED_BACKOFF, PROBE_BACKOFF, BurstTicks, SharedFeed
from bea_tracker.demo.localbea import LocalBea, Publication, synthetic_gdp_release
from bea_tracker.demo.sinks import WebhookSink
from scraper.schedule import parse_schedule_ics

BEA_TRACKER = str(Path(sys.executable).with_name("bea-tracker"))
DENSE_INTERVAL = PollingConfig().burst_dense_interval  # 1 s: the page in its first seconds
SIM_BURST_BEFORE = 10.0  # not 60 s, so releases can follow each other quickly
FEED_LAG_REAL = 108.0  # BEA's feed for an 8:30 release carried Last-Modified 08:31:48


@dataclass
class Simulated:
    scheduled: datetime
    publication: Publication
    predicted_path: str
    arrival: datetime | None = None

    @property
    def feed_only(self) -> bool:
        return self.predicted_path != self.publication.release.path


# -- the simulation ---------------------------------------------------------------------
def cli(config: Path, *args: str) -> str:
    done = subprocess.run([BEA_TRACKER, "--config", str(config), *args],
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def plan_releases(bea: LocalBea, count: int, gap: float, feed_delay: float,
                  rng: random.Random) -> list[Simulated]:
    """Schedule ``count`` releases ``gap`` s apart and publish each one: the page within
    the second after its scheduled second, the feed item ``feed_delay`` s later."""
    first = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=20)
    plans = []
    for k in range(count):
        starts = first + timedelta(seconds=k * gap)
        predicted = synthetic_gdp_release(starts, seq=900 + k).path
        cut = predicted.removesuffix("-2nd-quarter-2026") if k % 4 == 3 else None
        release = synthetic_gdp_release(starts, seq=900 + k, path=cut)
        page_at = starts + timedelta(seconds=rng.uniform(0, DENSE_INTERVAL))
        plans.append(Simulated(starts, bea.publish(release, at=page_at, feed_delay=feed_delay),
                               predicted))
    bea.schedule_with([p.publication.release.event(p.scheduled) for p in plans],
                      keep_real=True)
    return plans


def simulate(args: argparse.Namespace, workdir: Path) -> tuple[list[Simulated], LocalBea,
                                                                 dict, float]:
    rng = random.Random(args.seed)
    with LocalBea() as bea, WebhookSink() as hooks:
        config = workdir / "config.yaml"
        config.write_text(yaml.safe_dump({
            "database": {"url": args.database_url or f"sqlite:///{workdir / 'bea.db'}"},
            "bea": bea.config(),
            "polling": {"burst_before": f"{SIM_BURST_BEFORE}s"},
            "delivery": {"allow_private_targets": True},  # the sink is on 127.0.0.1
        }), encoding="utf-8")
        cli(config, "poll", "--once")  # baseline: the feed's items are history
        cli(config, "subscribe", "add", "--webhook", hooks.url_for("bench"))
        plans = plan_releases(bea, args.releases, args.gap, args.feed_delay, rng)
        bea.log.clear()
        with open(workdir / "daemon.log", "wb") as log:
            daemon = subprocess.Popen([BEA_TRACKER, "--config", str(config), "run"],
                                      stdout=log, stderr=subprocess.STDOUT)
            started = time.monotonic()
            try:
                last = max(p.publication.feed_at for p in plans)
                wait = (last - datetime.now(timezone.utc)).total_seconds() + 60
                hooks.wait_for(len(plans), timeout=wait)
            except TimeoutError as exc:
                print(f"\n{exc} (see {workdir / 'daemon.log'})")
            finally:
                daemon.send_signal(signal.SIGTERM)
                daemon.wait(30)
            elapsed = time.monotonic() - started
        for call in hooks.calls:
            title = call.json["events"][0]["release"]["title"]
            for plan in plans:
                if plan.publication.release.title == title and plan.arrival is None:
                    plan.arrival = call.received_at
        tracked = json.loads(cli(config, "latency", "--json"))
    return plans, bea, tracked, elapsed


# -- figures ----------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def describe(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (f"p50 {statistics.median(values):6.2f} s   p95 {percentile(values, 95):6.2f} s   "
            f"max {max(values):6.2f} s   (n={len(values)})")


def report_latency(plans: list[Simulated], tracked: dict) -> None:
    page = [p for p in plans if not p.feed_only and p.arrival]
    feed = [p for p in plans if p.feed_only and p.arrival]
    print("\n== Time to alert (webhook arrival), simulation ==")
    print("page live -> alert, predicted URL : "
          + describe([(p.arrival - p.publication.page_at).total_seconds() for p in page]))
    print("feed change -> alert, feed only   : "
          + describe([(p.arrival - p.publication.feed_at).total_seconds() for p in feed]))
    ahead = [(p.publication.feed_at - p.arrival).total_seconds() for p in page]
    print("alert ahead of the feed change    : " + describe(ahead))
    missing = [p.publication.release.title for p in plans if p.arrival is None]
    if missing:
        print(f"NOT ALERTED: {missing}")
    medians = tracked.get("medians", {})
    print("the tracker's own latency log (medians): "
          + ", ".join(f"{k}={v}" for k, v in medians.items()))


def classify(bea_log, plans: list[Simulated], feed_path: str) -> Counter:
    predicted = {p.predicted_path for p in plans}
    found_at: dict[str, datetime] = {}
    kinds: Counter = Counter()
    for record in bea_log.records():
        if record.path == feed_path:
            kinds["feed"] += 1
        elif record.path == "/robots.txt":
            kinds["robots.txt"] += 1
        elif record.path.startswith("/news/schedule"):
            kinds["schedule"] += 1
        elif record.path in predicted and record.path not in found_at:
            kinds["probe"] += 1
            if record.status == 200:
                found_at[record.path] = record.at
        else:
            kinds["page crawl"] += 1
    return kinds


def report_requests(bea: LocalBea, plans: list[Simulated], elapsed: float,
                    feed_delay: float) -> None:
    kinds = classify(bea.log, plans, "/rss/rss.xml")
    total = sum(kinds.values())
    n = len(plans)
    print(f"\n== Requests the daemon made in the simulation ({elapsed:.0f} s, {n} releases; "
          f"burst_before {SIM_BURST_BEFORE:.0f} s, the default burst backoff: page every "
          f"{DENSE_INTERVAL:.0f} s for {PollingConfig().burst_dense_for:.0f} s) ==")
    print("by kind: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    other = total - kinds["probe"] - kinds["feed"]
    print(f"per release: {total / n:.1f} (probe {kinds['probe'] / n:.1f}, "
          f"feed {kinds['feed'] / n:.1f}, other {other / n:.1f})")
    found = [p for p in plans if not p.feed_only]
    model = _per_release(found_after=DENSE_INTERVAL, before=SIM_BURST_BEFORE)
    model_feed = _per_release(found_after=feed_delay, before=SIM_BURST_BEFORE)
    mix = (len(found) * model + (n - len(found)) * model_feed) / n
    print(f"the budget model (above) for this simulation: {mix:.1f} per release, plus idle "
          "polls and the schedule")


# -- the budget against BEA's calendar ---------------------------------------------------
def _day_requests(starts: list[datetime], found_after: float | None,
                  before: float | None = None) -> int:
    """Requests the burst ticks of one day make under the default polling: the daemon's own
    tick rule (BurstTicks, one shared feed clock) for windows at ``starts``, each from
    ``burst_before`` its time until the tick that finds its release ``found_after`` s after
    (None: never, the whole window), plus robots.txt and the page crawled when the feed
    later carries it."""
    cfg = PollingConfig()
    feed = SharedFeed()
    before = cfg.burst_before if before is None else before
    bursts = [BurstTicks(t, cfg.burst_interval, cfg.burst_dense_interval,
                         cfg.burst_dense_for, feed=feed) for t in starts]
    tick = bursts[0].tick
    end = cfg.burst_after if found_after is None else found_after
    first, last = min(starts), max(starts)
    requests, at = 0, first - timedelta(seconds=before - tick / 4)
    while at <= last + timedelta(seconds=end + tick / 4):
        for ticks in bursts:
            since = (at - ticks.starts_at).total_seconds()
            if -before <= since <= end + tick / 4:
                probe, feed_poll = ticks.due(at)
                requests += probe + feed_poll
        at += timedelta(seconds=tick)
    return requests + (0 if found_after is None else 2 * len(starts))


def _per_release(found_after: float | None, before: float | None = None) -> float:
    """Requests of one burst alone (see _day_requests)."""
    return _day_requests([datetime(2026, 7, 30, 12, 30, tzinfo=timezone.utc)], found_after,
                         before)


def calendar_budget() -> None:
    ics = next(f for f in resources.files("bea_tracker.demo").joinpath("data").iterdir()
               if f.name.endswith(".ics"))
    events = [e for e in parse_schedule_ics(ics.read_bytes()).events if e.starts_at]
    days = Counter(e.starts_at.date() for e in events)
    first, last = min(days), max(days)
    span = (last - first).days + 1
    per_day = len(events) / span
    cfg = PollingConfig()
    idle = 86400 / cfg.idle_interval + 86400 / cfg.schedule_refresh
    cases = {
        "typical: live at its second, found by the probe at the next tick (T+0.25 s)": 0.25,
        f"feed only: URL not predicted, found when the feed changes (T+{FEED_LAG_REAL:.0f} s)":
            FEED_LAG_REAL,
        "worst: never appears, bursts the whole 16-minute window": None,
    }
    busiest_day, busiest = days.most_common(1)[0]
    busiest_starts = sorted(e.starts_at for e in events if e.starts_at.date() == busiest_day)
    print(f"\n== Requests per day against BEA's calendar ({ics.name}) ==")
    print(f"{len(events)} scheduled releases on {len(days)} days, {first} .. {last} "
          f"({span} days): {per_day:.3f} releases/day; busiest day {busiest_day} "
          f"({busiest} releases at "
          f"{', '.join(t.strftime('%H:%M') for t in busiest_starts)})")
    print(f"default polling: idle {cfg.idle_interval:.0f} s, burst {cfg.burst_before:.0f} s "
          f"before to {cfg.burst_after:.0f} s after: the page every "
          f"{cfg.burst_dense_interval:.0f} s for {cfg.burst_dense_for:.0f} s from the "
          f"scheduled time, then (until s, every n x {cfg.burst_interval:.0f} s) "
          f"{PROBE_BACKOFF}; the feed at the window's start, then {FEED_BACKOFF}, shared "
          "by bursts at the same time")
    print(f"idle polls + schedule refresh: {idle:.0f} requests/day")
    for name, found_after in cases.items():
        per_release = _per_release(found_after)
        day = _day_requests(busiest_starts, found_after)
        print(f"{name}:\n    {per_release:.0f} requests/release -> average "
              f"{idle + per_day * per_release:.0f} requests/day (busiest day, every release "
              f"so: {idle + day:.0f}; budget 500)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=12)
    parser.add_argument("--feed-delay", type=float, default=90.0,
                        help="seconds from page to feed (BEA: ~90)")
    parser.add_argument("--gap", type=float, default=16.0, help="seconds between releases")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget-only", action="store_true", help="skip the simulation")
    parser.add_argument("--postgres", action="store_true",
                        help="run the daemon on PostgreSQL (a throwaway cluster)")
    args = parser.parse_args()
    calendar_budget()
    if args.budget_only:
        return
    args.database_url, cluster = None, None
    if args.postgres:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.support.postgres import PgCluster

        cluster = PgCluster()
        cluster.start()
        args.database_url = cluster.new_database()
        print("\n(the daemon's database: PostgreSQL)")
    try:
        run_simulation(args)
    finally:
        if cluster is not None:
            cluster.stop()


def run_simulation(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-alert-") as tmp:
        plans, bea, tracked, elapsed = simulate(args, Path(tmp))
        report_latency(plans, tracked)
        report_requests(bea, plans, elapsed, args.feed_delay)


if __name__ == "__main__":
    main()
