"""``bea-tracker demo`` run as a user would: a subprocess, then nothing left behind."""

from __future__ import annotations

import json
import re
import shutil
import socket
import time
from pathlib import Path

import pytest

from tests.support.cli import CliResult, run_cli


def run_demo(*args: str) -> tuple[CliResult, float]:
    started = time.monotonic()
    result = run_cli("demo", *args, timeout=120, env={"COLUMNS": "130"})
    return result, time.monotonic() - started


def listening_ports() -> set[int]:
    """Ports in LISTEN state, from /proc (no psutil)."""
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A":  # TCP_LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def processes_mentioning(text: str) -> list[int]:
    """PIDs whose command line contains ``text`` (e.g. the demo's temp directory)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def ports_in(output: str) -> dict[str, int]:
    return {
        "local BEA": int(re.search(r"local BEA on http://127\.0\.0\.1:(\d+)", output).group(1)),
        "SMTP": int(re.search(r"SMTP sink on 127\.0\.0\.1:(\d+)", output).group(1)),
        "webhook": int(re.search(r"webhook receiver on http://127\.0\.0\.1:(\d+)",
                                 output).group(1)),
    }


def assert_nothing_left(output: str, workdir: str) -> None:
    pid = int(re.search(r"daemon started \(pid (\d+)\)", output).group(1))
    assert not alive(pid), f"daemon {pid} still running"
    assert processes_mentioning(workdir) == []
    ports = ports_in(output)
    assert not set(ports.values()) & listening_ports(), ports
    for name, port in ports.items():
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            pytest.fail(f"{name} port {port} still accepts connections")


@pytest.fixture(scope="module")
def demo_run() -> tuple[CliResult, float]:
    return run_demo()


def test_demo_exits_0_within_a_minute(demo_run):
    result, elapsed = demo_run
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert elapsed < 60
    assert "baseline: 48 items recorded" in result.stdout
    assert "demo finished in" in result.stdout


def test_demo_shows_each_step_and_alert(demo_run):
    out = demo_run[0].stdout
    for step in ("release scheduled at", "daemon read BEA's release schedule",
                 "page live at", "daemon fetched the page", "SIGTERM: daemon stopped (exit 0)"):
        assert step in out, step
    # burst polling before the release, unless the machine was too busy to start in time
    assert "burst polling: the daemon probes the release page every 1 s" in out \
        or "it was not polling yet at the release time" in out
    for channel in ("webhook", "Slack", "e-mail"):
        assert re.search(rf"alert delivered by {channel} \d+\.\d\d s after publication", out)


def test_demo_shows_the_email_subject_and_text(demo_run):
    out = demo_run[0].stdout
    subject = next(line for line in out.splitlines() if "Subject:" in line)
    assert "GDP" in subject and "+1.5%" in subject
    assert "Real gross domestic product (GDP) increased" in out
    assert re.search(r"inline chart: \d+ KB PNG, shown in the HTML part", out)


def test_demo_shows_the_webhook_figures_and_latency(demo_run):
    out = demo_run[0].stdout
    assert "webhook POST /hooks/webhook: bea-tracker.alert/1, new_release, signature verified" \
        in out
    assert re.search(r"real_gdp\s+│ 2026Q2\s+│ advance\s+│ \+1\.5%", out)
    latency = out[out.index("From publication"):]
    for channel in ("webhook", "Slack", "e-mail"):
        seconds = float(re.search(rf"{channel}\s+│ [\d:.]+\s+│ (\d+\.\d\d) s", latency).group(1))
        assert 0 <= seconds < 20


def test_demo_shows_the_latest_table(demo_run):
    out = demo_run[0].stdout
    latest = out[out.index("bea-tracker latest"):]
    assert re.search(r"real_gdp\s+│ 2026Q2", latest)
    assert "pce_price_index" in latest


def test_demo_leaves_nothing_running_or_bound(demo_run):
    out = demo_run[0].stdout
    workdir = re.search(r"temporary database (\S+)/bea\.db", out).group(1)
    assert_nothing_left(out, workdir)
    assert not Path(workdir).exists(), "temporary directory not removed"
    assert "temporary files removed" in out


def test_demo_keep_leaves_a_database_the_cli_can_query():
    result, _ = run_demo("--keep", "--release-in", "6")
    out = result.stdout
    assert result.returncode == 0, f"{out}\n{result.stderr}"
    config = re.search(r"config (\S+/config\.yaml)", out).group(1)
    workdir = str(Path(config).parent)
    try:
        assert_nothing_left(out, workdir)
        assert (Path(workdir) / "bea.db").is_file()
        latest = run_cli("latest", "--indicator", "pce_price_index", "--json", config=config,
                         own_process=True, timeout=60, check=True)
        assert [(r["period"], r["value"]) for r in json.loads(latest.stdout)] == \
            [("2026Q2", 5.1)]
        rows = json.loads(run_cli("deliveries", "--json", config=config, own_process=True,
                                  timeout=60, check=True).stdout)
        assert sorted((r["kind"], r["status"]) for r in rows) == \
            [("email", "sent"), ("slack", "sent"), ("webhook", "sent")]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
