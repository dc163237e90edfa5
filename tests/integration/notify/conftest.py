"""A local BEA, an SMTP sink and a webhook receiver, with a config pointing at them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

BEA_TRACKER = str(Path(sys.executable).with_name("bea-tracker"))


@pytest.fixture
def config_path(write_config, bea, smtp) -> Path:
    return write_config({
        "bea": bea.config(),
        "smtp": {"host": smtp.host, "port": smtp.port, "from": "alerts@bea-tracker.test",
                 "timeout": "5s"},
        "polling": {"timeout": "5s"},
        "delivery": {"backoff": "1s", "backoff_max": "2s", "max_attempts": 3, "lease": "3s"},
    })


# Commands that run Twisted's reactor can run it once per process: they get their own.
OWN_PROCESS = {"poll", "run", "backfill", "demo"}


@pytest.fixture
def tracker(config_path) -> Callable[..., subprocess.CompletedProcess]:
    """Run ``bea-tracker`` as a user would: the installed script in its own process for the
    commands that crawl, click's runner in this process for the others (same code, and
    1-2 s less start-up per call)."""

    def run(*args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        argv = ["--config", str(config_path), *args]
        if args[0] in OWN_PROCESS:
            result = subprocess.run([BEA_TRACKER, *argv], capture_output=True, text=True,
                                    timeout=timeout)
        else:
            from bea_tracker.cli import main

            out = CliRunner().invoke(main, argv, catch_exceptions=False)
            result = subprocess.CompletedProcess(argv, out.exit_code, out.stdout, out.stderr)
        if check and result.returncode != 0:
            raise AssertionError(f"bea-tracker {' '.join(args)} exited {result.returncode}:\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    return run
