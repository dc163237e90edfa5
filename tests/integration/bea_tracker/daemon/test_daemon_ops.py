"""Operating the daemon: /healthz and /metrics, status as a health check, JSON logs with
ISO 8601 UTC times, SIGTERM during start-up, settings from the environment."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import yaml

from tests.support.cli import child_env, run_cli
from tests.support.waiting import wait_until

SERVING = re.compile(r"serving /healthz, /metrics[^\n]* on (http://127\.0\.0\.1:\d+/)")


def with_http(config_path, listen: str = "127.0.0.1:0") -> None:
    data = yaml.safe_load(config_path.read_text())
    data["http"] = {"listen": listen}
    data["logging"] = {"format": "json"}
    config_path.write_text(yaml.safe_dump(data))


def test_healthz_metrics_and_status_while_running(configure, daemons, tracker):
    config = configure(idle_interval="1s")
    with_http(config)
    daemon = daemons()
    base = wait_until(lambda: (m := SERVING.search(daemon.log_text())) and m.group(1), 30,
                      "the HTTP listener", daemon)
    with httpx.Client(base_url=base, timeout=10) as client:
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["healthy"] is True
        wait_until(lambda: 'bea_tracker_polls_total{outcome="not_modified",source="feed"}'
                   in client.get("/metrics").text, 30, "a 304 feed poll counted", daemon)
        metrics = client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    for name in ('bea_tracker_polls_total{outcome="ok",source="feed"}',
                 "bea_tracker_feed_not_modified_ratio", "bea_tracker_releases_total",
                 'bea_tracker_alerts_total{outcome="sent"}',
                 'bea_tracker_alerts_total{outcome="dead"}',
                 "bea_tracker_alert_latency_seconds_bucket",
                 'bea_tracker_last_success_timestamp_seconds{source="feed"}',
                 "bea_tracker_up 1.0"):
        assert name in text, name
    ratio = float(re.search(r"^bea_tracker_feed_not_modified_ratio (\S+)$", text, re.M)[1])
    assert 0 < ratio < 1  # the first poll was a 200, later ones 304

    running = tracker("status", check=False)
    assert running.returncode == 0, running.stdout + running.stderr
    assert "health: ok" in running.stdout and f"{base}metrics" in running.stdout

    code, _ = daemon.terminate(timeout=30)
    assert code == 0
    lines = [json.loads(line) for line in daemon.log_text().splitlines() if line.startswith("{")]
    assert lines and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["time"])
                         for e in lines)
    stopped = tracker("status", check=False)
    assert stopped.returncode == 1 and "the daemon is not running" in stopped.stderr


def test_sigterm_while_starting_exits_0(configure, daemons):
    configure()
    for _ in range(3):
        daemon = daemons()
        wait_until(lambda d=daemon: "daemon starting" in d.log_text() or not d.running, 30,
                   "start-up to begin", daemon)
        code, _ = daemon.terminate(timeout=30)
        assert code == 0, daemon.tail()
        assert "Traceback" not in daemon.log_text()


def test_any_setting_from_the_environment(config_path, database):
    env = {"BEA_TRACKER_HTTP_LISTEN": "localhost", "BEA_TRACKER_POLLING_BURST_INTERVAL": "1h30m"}
    bad = run_cli("status", config=config_path, env=env, own_process=True, timeout=60)
    assert bad.returncode == 2
    assert bad.stderr.strip() == ("error: BEA_TRACKER_HTTP_LISTEN: http.listen: expected "
                                  "HOST:PORT such as 127.0.0.1:8089, got 'localhost'")


def test_sigterm_handler_is_in_place_before_the_heavy_imports():
    """The handler is installed by the first lines of bea_tracker.cli (what the console
    script imports), before click, pydantic or SQLAlchemy are loaded."""
    code = ("import sys, signal; sys.argv[0] = 'bea-tracker'; import bea_tracker.cli; "
            "from bea_tracker import signals; "
            "print(signal.getsignal(signal.SIGTERM) is signals._on_sigterm)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=child_env())
    assert done.stdout.strip() == "True", done.stderr
    import bea_tracker.cli

    source = Path(bea_tracker.cli.__file__).read_text(encoding="utf-8")
    assert source.index("signals.install()") < source.index("from bea_tracker.cli import")
