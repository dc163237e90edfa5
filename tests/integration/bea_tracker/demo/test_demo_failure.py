"""When alerts do not arrive the demo says what is missing, exits 1 and stops everything."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from rich.console import Console

from bea_tracker.demo.scenario import Demo


def test_missing_alerts_exit_1_and_the_child_is_stopped():
    out = io.StringIO()
    # A "daemon" that never alerts: the demo must time out, report, and stop it.
    sleeper = [sys.executable, "-c", "import time; time.sleep(120)"]
    demo = Demo(Console(file=out, width=130), release_in=3, alert_timeout=1,
                daemon_command=sleeper)
    code = demo.run()
    text = out.getvalue()
    assert code == 1, text
    assert "demo failed: no alert by webhook, Slack, e-mail within 1 s of publication" in text
    pid = int(re.search(r"daemon started \(pid (\d+)\)", text).group(1))
    assert demo.daemon.returncode is not None  # waited for, not orphaned
    assert not Path(f"/proc/{pid}").exists()
    workdir = re.search(r"temporary database (\S+)/bea\.db", text).group(1)
    assert not Path(workdir).exists()


def test_a_daemon_that_dies_is_reported_with_its_log():
    out = io.StringIO()
    crasher = [sys.executable, "-c",
               "import sys; print('boom: cannot start', file=sys.stderr); sys.exit(3)"]
    code = Demo(Console(file=out, width=130), release_in=3, daemon_command=crasher).run()
    text = out.getvalue()
    assert code == 1, text
    assert "the daemon exited with code 3" in text
    assert "boom: cannot start" in text
