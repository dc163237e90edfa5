"""The single-instance lock survives pid reuse: a daemon row whose pid now belongs to an
unrelated process, or whose heartbeat went stale, does not keep the next daemon out."""

from __future__ import annotations

import os
import socket
import subprocess
from datetime import timedelta

from db import heartbeat
from db.models import DaemonState
from db.types import utcnow

STALE = timedelta(seconds=30)


def put_holder(database, pid: int, *, age: timedelta = timedelta(0),
               proc_start: str | None = None) -> None:
    value = {"state": "running", "pid": pid, "host": socket.gethostname(),
             "started_at": utcnow().isoformat()}
    if proc_start is not None:
        value["proc_start"] = proc_start
    with database.unit_of_work() as session:
        session.merge(DaemonState(key=heartbeat.KEY, value=value, updated_at=utcnow() - age))


def claim(database) -> bool:
    with database.unit_of_work() as session:
        return heartbeat.claim(session, STALE)[0]


def test_a_reused_pid_does_not_hold_the_lock(database, cli) -> None:
    other = subprocess.Popen(["sleep", "30"])  # an unrelated live process with that pid
    try:
        put_holder(database, other.pid, proc_start="1")  # the claimer started at tick 1
        status = cli("status", "--json")
        assert '"alive": false' in status.stdout, status.output
        assert claim(database)
    finally:
        other.kill()
        other.wait()


def test_a_stale_heartbeat_does_not_hold_the_lock(database) -> None:
    put_holder(database, os.getpid(), age=timedelta(minutes=5))  # alive pid, old row
    assert claim(database)


def test_a_live_daemon_still_holds_it(database) -> None:
    other = subprocess.Popen(["sleep", "30"])
    try:
        put_holder(database, other.pid, proc_start=heartbeat.process_start(other.pid))
        assert not claim(database)
    finally:
        other.kill()
        other.wait()
