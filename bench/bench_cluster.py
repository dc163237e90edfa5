"""Fan-out on PostgreSQL with 1, 2 and 4 daemons sharing the database.

10,000 webhook subscriptions (``--subs``) and one new release; a webhook receiver in its
own process (keeps connections alive, as production endpoints do); a local BEA for the
leader's polls. For each daemon count: a fresh outbox, the daemons started together, time
from their start to the receiver's last arrival (and from the first arrival to the last),
and the speed-up over one daemon. PostgreSQL: ``--database-url``, or a throwaway cluster
started from the server binaries (as the tests do). Prints figures, not pass/fail.
Run: ``.venv/bin/python bench/bench_cluster.py [--subs N] [--daemons 1 2 4]``.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from bea_tracker.demo.localbea import LocalBea

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_fanout import seed  # noqa: E402 - the same seed as the SQLite benchmark

ROOT = Path(__file__).resolve().parents[1]
RECEIVER = """
import sys, time
from bea_tracker.demo.sinks import WebhookSink
want = int(sys.argv[1])
with WebhookSink(keep_alive=True) as sink:
    print(sink.url_for("fan"), flush=True)
    sink.wait_for(want, timeout=900, accepted_only=True)
    calls = sink.calls
    print(min(c.received_at for c in calls).timestamp(),
          max(c.received_at for c in calls).timestamp(), len(calls), flush=True)
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    total: float  # start -> last arrival
    spread: float  # first -> last arrival
    daemon_cpu: list[float]  # CPU seconds of each daemon by the last arrival
    load: float  # 1-minute load average when the run ended


def one_run(url: str, subs: int, daemons: int, bea: LocalBea, work: Path) -> Run:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER, str(subs)], env=env,
                                stdout=subprocess.PIPE, text=True)
    assert receiver.stdout is not None
    hook = receiver.stdout.readline().strip()
    seed(url, subs, hook)
    config = work / "config.yaml"
    config.write_text(yaml.safe_dump({
        "database": {"url": url}, "bea": bea.config(),
        "delivery": {"allow_private_targets": True},  # the receiver is on 127.0.0.1
        "logging": {"level": "WARNING"}}), encoding="utf-8")
    start = time.time()
    procs = [subprocess.Popen([sys.executable, "-m", "bea_tracker", "--config", str(config),
                               "run"], env=env, stdout=subprocess.DEVNULL,
                              stderr=open(work / f"daemon-{daemons}-{n}.log", "wb"))
             for n in range(daemons)]
    cpu: list[float] = []
    try:
        first, last, count = receiver.stdout.readline().split()
        cpu = [cpu_seconds(proc.pid) for proc in procs]
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(60)
        receiver.wait(60)
    assert int(count) >= subs
    return Run(float(last) - start, float(last) - float(first), cpu, os.getloadavg()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subs", type=int, default=10_000)
    parser.add_argument("--daemons", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--database-url", help="a PostgreSQL database to use (emptied)")
    args = parser.parse_args()
    cluster = None
    url = args.database_url
    if url is None:
        sys.path.insert(0, str(ROOT))
        from tests.support.postgres import PgCluster

        cluster = PgCluster()
        cluster.start()
        url = cluster.new_database()
    results = {}
    try:
        with tempfile.TemporaryDirectory() as tmp, LocalBea() as bea:
            for count in args.daemons:
                run = results[count] = one_run(url, args.subs, count, bea, Path(tmp))
                print(f"{count} daemon(s): {args.subs} webhooks, start -> last arrival "
                      f"{run.total:.1f} s (first -> last arrival {run.spread:.1f} s); "
                      f"{args.subs / run.spread / count:.0f} webhooks/s per daemon; daemon "
                      f"CPU {' + '.join(f'{c:.1f}' for c in run.daemon_cpu)} s = "
                      f"{sum(run.daemon_cpu) / args.subs * 1000:.2f} ms per webhook; "
                      f"load average {run.load:.1f}", flush=True)
    finally:
        if cluster is not None:
            cluster.stop()
    base = results.get(1)
    if base:
        for count, run in results.items():
            print(f"{count} daemon(s): speed-up over one daemon {base.total / run.total:.2f}x "
                  f"(start -> last), {base.spread / run.spread:.2f}x (first -> last)")
    print(f"on {os.cpu_count()} cores shared with the receiver, the local BEA and PostgreSQL")


if __name__ == "__main__":
    main()
