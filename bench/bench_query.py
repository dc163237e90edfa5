"""Query benchmark: 100,000 figures in a fresh SQLite file, then the whole
``bea-tracker latest --json`` process, timed over several runs (median).

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


def time_runs(cmd: list[str], runs: int, cwd: Path) -> list[float]:
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return times


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
            "bea-tracker latest --json": [str(cli), "latest", "--json"],
        }
        medians = {}
        for name, cmd in cases.items():
            runs = time_runs(cmd, args.runs, work)
            medians[name] = statistics.median(runs)
            print(f"{name:40s} median {medians[name]:.3f} s  "
                  f"(min {min(runs):.3f}, max {max(runs):.3f}, {args.runs} runs)")
        out = subprocess.run([str(cli), "latest", "--json"], cwd=work, capture_output=True,
                             check=True, text=True).stdout
        shown = len(json.loads(out))
        print(f"latest --json printed {shown} indicators")
        floor = medians["python -c 'import sqlalchemy.orm'"]
        total = medians["bea-tracker latest --json"]
        print(f"latest --json beyond the SQLAlchemy import floor: {total - floor:.3f} s "
              f"(ratio {total / floor:.2f}x the floor); target whole process <= 0.5 s")


if __name__ == "__main__":
    main()
