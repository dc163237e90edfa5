"""Query benchmark: 100,000 figures in a fresh SQLite file, then the whole
``bea-tracker latest`` process (table and ``--json``) and ``bea-tracker --help``, timed
over several runs (median), side by side with the yardstick.

Target (issue 14): ``latest`` (table) <= 1.0x ``python -c "import sqlalchemy.orm"``, and
``--help`` <= 0.3 s. ``latest`` on a SQLite file at head reads it with the standard library
(db/fastread.py), so SQLAlchemy is never imported; the runs are interleaved (yardstick,
then each command, round after round) so a drifting machine moves them together.

Baselines run in the same process so the figure can be read on any machine: the bare
interpreter, and an interpreter that only imports SQLAlchemy's ORM (the floor any command
using the database pays). Run: ``.venv/bin/python bench/bench_query.py [--figures N]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

from db.migrate import upgrade
from db.models import Figure, Release, Snapshot
from db.session import Database

INDICATORS = [
    "real_gdp", "current_dollar_gdp", "real_gdi", "corporate_profits", "pce_price_index",
    "core_pce_price_index", "personal_income", "disposable_personal_income", "pce",
    "real_pce", "personal_saving_rate", "trade_balance", "exports", "imports",
    "current_account_balance", "niip",
]
FIGURES_PER_RELEASE = len(INDICATORS)  # one figure per indicator per release


def seed(url: str, figures: int) -> None:
    """Synthetic releases (one snapshot each) carrying ``figures`` figures in all."""
    db = Database(url)
    upgrade(db.engine)
    start = datetime(2000, 1, 1, 12, 30, tzinfo=timezone.utc)
    releases = figures // FIGURES_PER_RELEASE
    now = datetime.now(timezone.utc)
    raw = zlib.compress(b"<html>synthetic benchmark page</html>")
    with db.engine.begin() as conn:
        conn.execute(Release.__table__.insert(), [
            {"id": i + 1, "url": f"https://bench.invalid/news/{i}", "title": f"Release {i}",
             "released_at": start + timedelta(days=i), "extraction": "ok", "history": True,
             "created_at": now, "updated_at": now}
            for i in range(releases)])
        conn.execute(Snapshot.__table__.insert(), [
            {"id": i + 1, "release_id": i + 1, "kind": "page", "sha256": f"{i:064x}",
             "url": f"https://bench.invalid/news/{i}", "fetched_at": start + timedelta(days=i),
             "size": 40, "raw_zlib": raw, "extraction": "ok", "problems": []}
            for i in range(releases)])
        conn.execute(Release.__table__.update().values(current_snapshot_id=Release.id))
        conn.execute(Figure.__table__.insert(), [
            {"release_id": r + 1, "snapshot_id": r + 1, "indicator": indicator, "label": "x",
             "period": f"{1900 + r // 4}Q{r % 4 + 1}", "estimate": "advance",
             "value": (r % 100) / 10, "unit": "percent_saar",
             "stated_at": start + timedelta(days=r)}
            for r in range(releases) for indicator in INDICATORS])
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--figures", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    cli = Path(sys.executable).with_name("bea-tracker")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = f"sqlite:///{work / 'bench.db'}"
        t0 = time.perf_counter()
        seed(url, args.figures)
        print(f"seeded {args.figures:,} figures in {time.perf_counter() - t0:.2f} s")
        (work / "config.yaml").write_text(f"database:\n  url: {url}\n")
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "python -c 'import sqlalchemy.orm'": [sys.executable, "-c", "import sqlalchemy.orm"],
            "bea-tracker latest": [str(cli), "latest"],
            "bea-tracker latest --json": [str(cli), "latest", "--json"],
            "bea-tracker --help": [str(cli), "--help"],
        }
        times = interleaved(cases, args.runs, work)
        medians = {name: statistics.median(runs) for name, runs in times.items()}
        for name, runs in times.items():
            print(f"{name:40s} median {medians[name]:.3f} s  "
                  f"(min {min(runs):.3f}, max {max(runs):.3f}, {args.runs} runs)")
        out = subprocess.run([str(cli), "latest", "--json"], cwd=work, capture_output=True,
                             check=True, text=True).stdout
        print(f"latest --json printed {len(json.loads(out))} rows")
        floor = medians["python -c 'import sqlalchemy.orm'"]
        for name in ("bea-tracker latest", "bea-tracker latest --json"):
            print(f"{name}: {medians[name] / floor:.2f}x the SQLAlchemy ORM import "
                  "(target <= 1.0x)")
        print(f"bea-tracker --help: {medians['bea-tracker --help']:.3f} s (target <= 0.3 s)")


def interleaved(cases: dict[str, list[str]], runs: int, cwd: Path) -> dict[str, list[float]]:
    """Each command once per round, ``runs`` rounds, after one warm-up round."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for round_ in range(runs + 1):
        for name, cmd in cases.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
            if round_:
                times[name].append(time.perf_counter() - t0)
    return times


if __name__ == "__main__":
    main()
