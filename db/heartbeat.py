"""The daemon's row in ``daemon_state``: one running instance per database, and a heartbeat.

A second daemon on the same database is refused while the first one's heartbeat is fresh
and, on the same host, its process is still the one that claimed (pid alive with the same
start time: a reused pid does not hold the lock). The claim is a conditional write, so
two daemons starting at once cannot both win.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.dialect import rowcount
from db.models import DaemonState
from db.types import utcnow

KEY = "daemon"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def process_start(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot, from /proc), or None where
    there is no /proc. A pid that now belongs to another process has another start time."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return fields[19]  # field 22 of the file; fields[0] is field 3 (state)
    except (OSError, IndexError):
        return None


def holder_alive(value: dict[str, Any], updated_at: datetime, stale_after: timedelta) -> bool:
    """Is the daemon described by ``value`` still running?

    A heartbeat older than ``stale_after`` means no (a daemon that stopped beating holds no
    lock, even if its pid is alive); on this host the pid must also be alive and, when the
    claim recorded it, be the same process (same start time), not a new one that reused
    the number.
    """
    if value.get("state") != "running":
        return False
    if utcnow() - updated_at >= stale_after:
        return False
    if value.get("host") == socket.gethostname():
        pid = int(value.get("pid", 0))
        if not pid_alive(pid):
            return False
        started = value.get("proc_start")
        return started is None or process_start(pid) in (None, started)
    return True


def claim(session: Session, stale_after: timedelta) -> tuple[bool, dict[str, Any] | None]:
    """Claim the daemon row for this process; (False, holder) if another one holds it."""
    me = {"state": "running", "pid": os.getpid(), "host": socket.gethostname(),
          "started_at": utcnow().isoformat(), "proc_start": process_start(os.getpid())}
    row = session.get(DaemonState, KEY)
    if row is None:
        try:
            with session.begin_nested():
                session.add(DaemonState(key=KEY, value=me, updated_at=utcnow()))
        except IntegrityError:
            return False, None
        return True, None
    if holder_alive(row.value or {}, row.updated_at, stale_after) and \
            row.value.get("pid") != me["pid"]:
        return False, dict(row.value)
    result = session.execute(
        update(DaemonState)
        .where(DaemonState.key == KEY, DaemonState.updated_at == row.updated_at)
        .values(value=me, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1, None


def beat(session: Session, extra: dict[str, Any]) -> None:
    """Refresh the heartbeat and what ``status`` shows (burst state, last error...)."""
    row = session.get(DaemonState, KEY)
    if row is None or row.value.get("pid") != os.getpid():
        return
    row.value = {**row.value, **extra, "heartbeat_at": utcnow().isoformat()}
    row.updated_at = utcnow()


def release_claim(session: Session) -> None:
    row = session.get(DaemonState, KEY)
    if row is not None and row.value.get("pid") == os.getpid():
        row.value = {**row.value, "state": "stopped", "stopped_at": utcnow().isoformat()}
        row.updated_at = utcnow()


def read_state(session: Session) -> tuple[dict[str, Any], datetime] | None:
    row = session.get(DaemonState, KEY)
    return (dict(row.value or {}), row.updated_at) if row else None
