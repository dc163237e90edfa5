"""The daemon's row in ``daemon_state``: one running instance per database, and a heartbeat.

A second daemon on the same database is refused while the first one's process is alive
(same host) or its heartbeat is fresh (another host). The claim is a conditional write, so
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


def holder_alive(value: dict[str, Any], updated_at: datetime, stale_after: timedelta) -> bool:
    """Is the daemon described by ``value`` still running?"""
    if value.get("state") != "running":
        return False
    if value.get("host") == socket.gethostname():
        return pid_alive(int(value.get("pid", 0)))
    return utcnow() - updated_at < stale_after


def claim(session: Session, stale_after: timedelta) -> tuple[bool, dict[str, Any] | None]:
    """Claim the daemon row for this process; (False, holder) if another one holds it."""
    me = {"state": "running", "pid": os.getpid(), "host": socket.gethostname(),
          "started_at": utcnow().isoformat()}
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
