"""Helpers for the hostile suite (fixtures in conftest.py): a hostile world on 127.0.0.1.
(drip feeds, never-ending bodies, gzip bombs, stacked encodings, redirects to loopback
metadata, ``file:`` links, huge feeds, future dates, markup in titles), and the tracker run
against it as a user runs it: the CLI in a child process, whose peak memory is measured.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml
from sqlalchemy import select

from bea_tracker.demo.localbea import LocalBea
from db.models import Event, PollLog, Release, Snapshot
from db.session import Database
from tests.support.paths import ROOT

MEMPROBE = Path(__file__).with_name("memprobe")

RUN_BOUND = 60.0  # seconds: an upper bound for one command, never a speed expectation

Answer = Callable[[BaseHTTPRequestHandler], None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        server: HostileServer = self.server.owner  # type: ignore[attr-defined]
        path = self.path.split("?", 1)[0]
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)  # a POST's body, read before answering
        server.requests.append(path)
        answer = server.routes.get(path)
        if answer is None:
            send(self, 404, b"not here")
            return
        try:
            answer(self)
        except (ConnectionError, TimeoutError):
            pass  # the client gave up: that is the point of most of these answers

    do_POST = do_GET  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class HostileServer:
    """Routes a path to an ``Answer`` that writes whatever it likes on the socket."""

    def __init__(self) -> None:
        self.routes: dict[str, Answer] = {}
        self.requests: list[str] = []
        self.stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.owner = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, answer: Answer) -> str:
        self.routes[path] = answer
        return self.url(path)

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()


# -- answers --------------------------------------------------------------------------

def send(handler: BaseHTTPRequestHandler, status: int, body: bytes,
         headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    for name, value in {"Content-Length": str(len(body)), "Connection": "close",
                        **(headers or {})}.items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def body(data: bytes, content_type: str = "application/rss+xml",
         headers: dict[str, str] | None = None, status: int = 200) -> Answer:
    return lambda h: send(h, status, data, {"Content-Type": content_type, **(headers or {})})


def drip(stop: threading.Event, every: float = 0.2) -> Answer:
    """Headers at once, then one byte every ``every`` seconds, forever (until ``stop``)."""
    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(b"<?xml version='1.0'?><rss version='2.0'><channel>")
        h.wfile.flush()
        while not stop.wait(every):
            h.wfile.write(b" ")
            h.wfile.flush()
    return answer


def never_ending(stop: threading.Event) -> Answer:
    """A chunked body that never ends (and no Content-Length to refuse it by)."""
    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Transfer-Encoding", "chunked")
        h.send_header("Connection", "close")
        h.end_headers()
        chunk = b"<item>" + b"x" * 65536 + b"</item>"
        while not stop.is_set():
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    return answer


def drip_reply(stop: threading.Event, every: float = 0.2) -> Answer:
    """A receiver that accepts a POST and drips its status line, one byte at a time."""
    def answer(h: BaseHTTPRequestHandler) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"x" * 100_000:
            if stop.wait(every):
                return
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
    return answer


def redirect(location: str, status: int = 302) -> Answer:
    return lambda h: send(h, status, b"", {"Location": location})


_BOMBS: dict[tuple[int, int], bytes] = {}


def gzip_bomb(size: int, layers: int = 1) -> bytes:
    """``size`` zero bytes gzipped ``layers`` times (512 MB is ~500 KB once, ~1 KB twice)."""
    key = (size, layers)
    if key not in _BOMBS:
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        block = bytes(1 << 20)
        parts = [packer.compress(block) for _ in range(size >> 20)]
        data = b"".join(parts) + packer.flush()
        for _ in range(layers - 1):
            data = gzip.compress(data, 9)
        _BOMBS[key] = data
    return _BOMBS[key]


def rss(items: list[dict[str, str]]) -> bytes:
    """A small RSS 2.0 feed with ``items`` (title, link, guid, pubDate, description)."""
    def item(it: dict[str, str]) -> str:
        return "<item>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in it.items()) + "</item>"

    now = format_datetime(datetime.now(timezone.utc), usegmt=True)
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>BEA</title><link>https://www.bea.gov</link><description>x</description>"
            f"<lastBuildDate>{now}</lastBuildDate>"
            + "".join(item(i) for i in items) + "</channel></rss>").encode()


# -- the tracker under attack ---------------------------------------------------------

@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    maxrss_mb: float
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class World:
    """A tracker (config, database, CLI in a child process) pointed at a local BEA whose
    feed may be replaced by a hostile answer."""

    def __init__(self, bea: LocalBea, hostile: HostileServer, workdir: Path) -> None:
        self.bea, self.hostile, self.workdir = bea, hostile, workdir
        self.db_url = f"sqlite:///{workdir / 'bea.db'}"
        self.db = Database(self.db_url)
        self.sections: dict[str, Any] = {}
        self.configure()

    def configure(self, **sections: Any) -> Path:
        """Write the config: the local BEA, both servers' host allowed, short timeouts."""
        for name, values in sections.items():
            self.sections[name] = {**self.sections.get(name, {}), **values}
        base = {
            "database": {"url": self.db_url},
            "bea": self.bea.config() | {"user_agent": "bea-tracker-hostile-tests"},
            "polling": {"timeout": 2, "failure_threshold": 1},
            "delivery": {"allow_private_targets": True, "backoff": 1},
            "smtp": {"timeout": 2},
            "logging": {"level": "INFO"},
        }
        config = {k: {**base.get(k, {}), **self.sections.get(k, {})}
                  for k in {*base, *self.sections}}
        self.config = self.workdir / "config.yaml"
        self.config.write_text(yaml.safe_dump(config), encoding="utf-8")
        return self.config

    def hostile_feed(self, answer: Answer, path: str = "/rss/rss.xml") -> str:
        url = self.hostile.route(path, answer)
        self.configure(bea={"feed_url": url})
        return url

    def run(self, *args: str, env: dict[str, str] | None = None) -> Run:
        """``python -m bea_tracker --config CFG ARGS`` in a child; its exit, output and
        peak resident memory (getrusage of exactly that child)."""
        child_env = {k: v for k, v in os.environ.items() if k != "BEA_TRACKER_CONFIG"}
        peak = self.workdir / "peak-rss-kb.txt"
        peak.unlink(missing_ok=True)
        # memprobe/sitecustomize.py writes the child's own peak (VmHWM) there at exit
        child_env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(MEMPROBE)])
        child_env["BEA_TRACKER_TEST_HWM_FILE"] = str(peak)
        child_env.update(env or {})
        out, err = self.workdir / "stdout.txt", self.workdir / "stderr.txt"
        started = time.monotonic()
        with out.open("wb") as stdout, err.open("wb") as stderr:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bea_tracker", "--config", str(self.config), *args],
                stdout=stdout, stderr=stderr, cwd=self.workdir, env=child_env)
            code, rusage = _wait4(proc, RUN_BOUND)
        # without the report (a child that left by os._exit), rusage: an upper bound that
        # includes the parent's size inherited at exec, so it can only fail, never pass
        peak_kb = int(peak.read_text()) if peak.exists() else rusage.ru_maxrss
        return Run(code, out.read_text(), err.read_text(), peak_kb / 1024,
                   time.monotonic() - started)

    def cli(self, *args: str) -> Any:
        """A command that runs no reactor, in-process: its CliResult (exceptions kept)."""
        from tests.support.cli import run_cli

        return run_cli(*args, config=self.config, own_process=False, catch_exceptions=True)

    def poll(self, *args: str, env: dict[str, str] | None = None) -> Run:
        return self.run("poll", "--once", "--no-schedule", *args, env=env)

    # -- reading the database ---------------------------------------------------------
    def events(self, kind: str | None = None) -> list[Event]:
        with self.db.session() as session:
            stmt = select(Event).order_by(Event.id)
            if kind:
                stmt = stmt.where(Event.kind == kind)
            return list(session.scalars(stmt))

    def releases(self) -> dict[str, Release]:
        with self.db.session() as session:
            return {r.url: r for r in session.scalars(select(Release))}

    def snapshots(self) -> list[Snapshot]:
        with self.db.session() as session:
            return list(session.scalars(select(Snapshot)))

    def poll_log(self) -> list[PollLog]:
        with self.db.session() as session:
            return list(session.scalars(select(PollLog).order_by(PollLog.id)))

    def json(self, *args: str) -> Any:
        done = self.run(*args, "--json")
        # status is a health check: with no daemon running it exits 1, its report intact
        assert done.code == (1 if args == ("status",) else 0), done.output
        return json.loads(done.stdout)


def _wait4(proc: subprocess.Popen, bound: float) -> tuple[int, Any]:
    """Reap ``proc`` with os.wait4 (its own rusage, not all children's); killed past
    ``bound`` seconds, which fails the test."""
    timer = threading.Timer(bound, proc.kill)
    timer.start()
    try:
        _, status, rusage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode != -9, f"command still running after {bound} s: killed"
    return proc.returncode, rusage


def baseline_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


