"""``bea-tracker demo``: the whole pipeline offline, on 127.0.0.1, in about 20 seconds.

A local copy of BEA (the bundled real feed, release pages and schedule), an SMTP sink and a
webhook receiver run in this process; the tracker runs as child processes against a
temporary database, exactly as a user would run it:

1. ``bea-tracker poll --once``: the feed's existing items become history (not alerted);
2. one subscription of each kind: e-mail, webhook, and Slack (the webhook receiver plays
   Slack under another name);
3. a GDP release is scheduled a few seconds ahead; its page goes live on time and BEA's
   feed lists it later (as BEA's does);
4. ``bea-tracker run``: the daemon reads the schedule, polls hard around the release, finds
   the page and alerts; SIGTERM stops it.

What arrived is handed to a ``show`` callback (the CLI renders it) before the database is
removed. Every server and child is stopped on the way out, whatever happened.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console

from bea_tracker.demo.localbea import LocalBea, Publication, synthetic_gdp_release
from bea_tracker.demo.localbea.data import SCHEDULE_ICS_PATH, SCHEDULE_PATH
from bea_tracker.demo.sinks import SmtpSink, WebhookSink
from bea_tracker.errors import AppError, DemoFailed

logger = logging.getLogger(__name__)

DEMO_ADDRESS = "economist@example.com"
FEED_DELAY = 90.0  # BEA's feed lists a release well after its page is live
ALERT_TIMEOUT = 20.0  # after publication
STOP_TIMEOUT = 10.0
BASELINE_TIMEOUT = 60.0
BURST_INTERVAL = 1.0
POLLING = {"burst_before": "5s", "burst_after": "60s", "burst_interval": BURST_INTERVAL,
           "timeout": "5s"}
CHANNELS = ("webhook", "Slack", "e-mail")


class _Interrupted(AppError):
    """SIGTERM while the demo runs: clean up like Ctrl-C."""


@dataclass(frozen=True)
class Arrival:
    """One alert as the sink received it (``item``: ReceivedMail or HookCall)."""

    channel: str
    at: datetime
    item: Any


def tracker_command() -> list[str]:
    """How to run ``bea-tracker`` in a child process: the same interpreter and package."""
    return [sys.executable, "-m", "bea_tracker"]


class Demo:
    """One run of the demo; :meth:`run` returns the exit code."""

    def __init__(self, console: Console, *, release_in: float = 8.0, keep: bool = False,
                 alert_timeout: float = ALERT_TIMEOUT, log_level: str = "WARNING",
                 show: Callable[[Demo, dict[str, Arrival]], None] | None = None,
                 daemon_command: list[str] | None = None) -> None:
        self.console = console
        self.release_in = release_in
        self.keep = keep
        self.alert_timeout = alert_timeout
        self.log_level = log_level
        self.show = show
        self.daemon_command = daemon_command
        self.secrets: dict[str, str | None] = {}
        self.daemon: subprocess.Popen | None = None

    # -- the run ---------------------------------------------------------------------
    def run(self) -> int:
        started = time.monotonic()
        restore = _on_sigterm_raise()
        try:
            with ExitStack() as stack:
                self._prepare(stack)
                self._baseline()
                self._subscribe()
                self._schedule()
                self._start_daemon(stack)
                arrivals = self._watch()
                self._stop_daemon()
                if self.show is not None:
                    self.show(self, arrivals)
            self._say(f"demo finished in {time.monotonic() - started:.1f} s; daemon, local "
                      "BEA and sinks stopped" + ("" if self.keep else
                                                 ", temporary files removed"))
            return 0
        except DemoFailed as exc:
            self.console.print(f"[bold red]demo failed:[/] {exc}", soft_wrap=True)
            return 1
        except (KeyboardInterrupt, _Interrupted):
            self.console.print("[yellow]interrupted: everything stopped[/]")
            return 130
        finally:
            restore()

    def _say(self, message: str) -> None:
        clock = datetime.now(timezone.utc).strftime("%H:%M:%S")
        self.console.print(f"[dim]{clock}[/dim] {message}", soft_wrap=True, highlight=False)

    # -- steps -----------------------------------------------------------------------
    def _prepare(self, stack: ExitStack) -> None:
        """Temporary directory, servers, config; each undone by ``stack`` on the way out."""
        self.workdir = Path(tempfile.mkdtemp(prefix="bea-tracker-demo-"))
        stack.callback(self._remove_workdir)
        self.bea = stack.enter_context(LocalBea())
        self.smtp = stack.enter_context(SmtpSink())
        self.hooks = stack.enter_context(WebhookSink())
        self._say(f"local BEA on {self.bea.base_url} (BEA's real feed, release pages and "
                  "schedule, bundled)")
        self._say(f"SMTP sink on {self.smtp.host}:{self.smtp.port}, webhook receiver on "
                  f"{self.hooks.base_url}")
        self.db_path = self.workdir / "bea.db"
        self.config_path = self.workdir / "config.yaml"
        self.daemon_log = self.workdir / "daemon.log"
        self.config_path.write_text(yaml.safe_dump({
            "database": {"url": f"sqlite:///{self.db_path}"},
            "bea": self.bea.config(),
            "smtp": {"host": self.smtp.host, "port": self.smtp.port,
                     "from": "bea-tracker@localhost", "timeout": "5s"},
            "polling": POLLING,
            # the demo's sinks run on 127.0.0.1: a private target, allowed here on purpose
            "delivery": {"backoff": "1s", "backoff_max": "2s", "allow_private_targets": True},
        }), encoding="utf-8")
        from bea_tracker.app import App

        self.app = App(str(self.config_path), self.log_level)
        self.app.config  # noqa: B018 - validate now; sets up logging
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd, per connection
        stack.callback(self._dispose_db)
        self._say(f"temporary database {self.db_path}")

    def _baseline(self) -> None:
        args = ["--config", str(self.config_path), "poll", "--once"]
        self._say("[bold]bea-tracker poll --once[/]: the feed's items become history")
        try:
            result = subprocess.run([*tracker_command(), *args], capture_output=True,
                                    text=True, timeout=BASELINE_TIMEOUT, env=_child_env())
        except subprocess.TimeoutExpired:
            raise DemoFailed(f"the baseline poll took over {BASELINE_TIMEOUT:.0f} s") from None
        if result.returncode != 0:
            raise DemoFailed(f"the baseline poll exited {result.returncode}:\n"
                             + _tail(result.stderr))
        feed_line = next((line for line in result.stdout.splitlines()
                          if line.startswith("feed:")), result.stdout.strip())
        items = re.search(r"(\d+) items", feed_line)
        self._say(f"baseline: {items.group(1)} items recorded (history, not alerted)"
                  if items else f"baseline: {feed_line}")

    def _subscribe(self) -> None:
        from notifier.subscriptions import add_subscription

        wanted = (("email", DEMO_ADDRESS), ("webhook", self.hooks.url_for("webhook")),
                  ("slack", self.hooks.url_for("slack")))
        with self.app.db.unit_of_work() as session:
            for kind, target in wanted:
                sub = add_subscription(session, kind, target, name=f"demo {kind}")
                self.secrets[kind] = sub.secret
        self._say(f"subscribed: e-mail {DEMO_ADDRESS}; webhook {self.hooks.url_for('webhook')}"
                  f"; Slack {self.hooks.url_for('slack')} (the receiver plays Slack)")

    def _schedule(self) -> None:
        now = datetime.now(timezone.utc)
        starts = now + timedelta(seconds=self.release_in)
        if starts.microsecond:  # on a whole second, as BEA's calendar has it
            starts = starts.replace(microsecond=0) + timedelta(seconds=1)
        self.release = synthetic_gdp_release(starts, seq=1)
        self.bea.schedule_with([self.release.event(starts)], keep_real=True)
        self.publication: Publication = self.bea.publish(self.release, at=starts,
                                                         feed_delay=FEED_DELAY)
        self._say(f"release scheduled at {_clock(starts)} UTC (in "
                  f"{(starts - now).total_seconds():.1f} s): {self.release.title}; the page "
                  f"goes live then, BEA's feed lists it {FEED_DELAY:.0f} s later")

    def _start_daemon(self, stack: ExitStack) -> None:
        command = self.daemon_command or [*tracker_command(), "--config",
                                          str(self.config_path), "run"]
        log = stack.enter_context(self.daemon_log.open("w", encoding="utf-8"))
        self.requests_before = len(self.bea.log.records())
        self.daemon = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                       stdout=log, stderr=log, env=_child_env())
        stack.callback(self._kill_daemon)
        self._say(f"[bold]bea-tracker run[/]: daemon started (pid {self.daemon.pid}), "
                  f"log in {self.daemon_log}")

    # -- watching --------------------------------------------------------------------
    def _watch(self) -> dict[str, Arrival]:
        """Report each step as it happens until every channel delivered (or time is up)."""
        said: set[str] = set()
        arrivals: dict[str, Arrival] = {}
        page_at = self.publication.page_at
        deadline = page_at + timedelta(seconds=self.alert_timeout)
        while len(arrivals) < len(CHANNELS):
            self._check_daemon()
            for key, message in self._milestones(page_at):
                if key not in said:
                    said.add(key)
                    self._say(message)
            for arrival in sorted(self._arrivals(arrivals), key=lambda a: a.at):
                arrivals[arrival.channel] = arrival
                self._say(f"[bold green]alert delivered by {arrival.channel}[/] "
                          f"{_seconds(arrival.at - page_at)} after publication")
            if datetime.now(timezone.utc) > deadline:
                missing = [c for c in CHANNELS if c not in arrivals]
                raise DemoFailed(
                    f"no alert by {', '.join(missing)} within {self.alert_timeout:.0f} s of "
                    f"publication; daemon log:\n{_tail(self._read_log())}")
            time.sleep(0.05)
        return arrivals

    def _milestones(self, page_at: datetime) -> list[tuple[str, str]]:
        records = self.bea.log.records()[self.requests_before:]
        found = []
        if any(r.path in (SCHEDULE_PATH, SCHEDULE_ICS_PATH) for r in records):
            found.append(("schedule", "daemon read BEA's release schedule"))
        probes = [r for r in records if r.path == self.release.path]
        if any(r.status == 404 for r in probes):
            found.append(("burst", "burst polling: the daemon probes the release page every "
                                   f"{BURST_INTERVAL:g} s (404 until it is published)"))
        if datetime.now(timezone.utc) >= page_at:
            found.append(("live", f"page live at {_clock(page_at)} UTC: "
                                  f"{self.bea.url(self.release.path)}"))
        hit = next((r for r in probes if r.status == 200), None)
        if hit is not None:
            late = "" if any(r.status == 404 for r in probes) else (
                " (it was not polling yet at the release time: the machine is busy, try a "
                "larger --release-in)")
            found.append(("fetched", f"daemon fetched the page {_seconds(hit.at - page_at)} "
                                     f"after it went live{late}"))
        return found

    def _arrivals(self, known: dict[str, Arrival]) -> list[Arrival]:
        new = []
        if "e-mail" not in known and (mails := self.smtp.messages):
            new.append(Arrival("e-mail", mails[0].received_at, mails[0]))
        for call in self.hooks.calls:
            channel = {"webhook": "webhook", "slack": "Slack"}.get(call.name)
            if channel and channel not in known and all(a.channel != channel for a in new):
                new.append(Arrival(channel, call.received_at, call))
        return new

    def _check_daemon(self) -> None:
        if self.daemon is not None and (code := self.daemon.poll()) is not None:
            raise DemoFailed(f"the daemon exited with code {code} before every alert "
                             f"arrived; its log:\n{_tail(self._read_log())}")

    # -- stopping --------------------------------------------------------------------
    def _stop_daemon(self) -> None:
        daemon = self.daemon
        if daemon is None:
            return
        asked = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        try:
            code = daemon.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise DemoFailed(f"the daemon did not stop within {STOP_TIMEOUT:.0f} s of "
                             "SIGTERM (killed)") from None
        if code != 0:
            raise DemoFailed(f"the daemon exited with code {code} on SIGTERM; its log:\n"
                             + _tail(self._read_log()))
        self._say(f"SIGTERM: daemon stopped (exit 0) in {time.monotonic() - asked:.1f} s")

    def _kill_daemon(self) -> None:
        """On any way out: a daemon still running is terminated, then killed."""
        daemon = self.daemon
        if daemon is None or daemon.poll() is not None:
            return
        daemon.terminate()
        try:
            daemon.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()

    def _dispose_db(self) -> None:
        if "db" in self.app.__dict__:  # only if it was opened
            self.app.db.dispose()

    def _remove_workdir(self) -> None:
        if self.keep:
            self._say(f"kept: database {self.db_path}, config {self.config_path}, daemon "
                      f"log {self.daemon_log}")
            self._say(f"try: bea-tracker --config {self.config_path} latest")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def _read_log(self) -> str:
        try:
            return self.daemon_log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("BEA_TRACKER_CONFIG", None)  # children get --config explicitly
    return env


def _on_sigterm_raise() -> Callable[[], object]:
    """SIGTERM becomes an exception, so the cleanup runs; returns the undo."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: Any) -> None:
        raise _Interrupted()

    previous = signal.signal(signal.SIGTERM, handler)
    return lambda: signal.signal(signal.SIGTERM, previous)


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines()[-lines:])


def _clock(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%H:%M:%S")


def _seconds(delta: timedelta) -> str:
    return f"{delta.total_seconds():.2f} s"
