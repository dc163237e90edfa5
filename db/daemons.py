"""The ``daemons`` table: every daemon process on the database, its role and heartbeat.

Each daemon writes its own row (an id it made up at start) and refreshes it every few
seconds; ``status`` reads them all. A row whose heartbeat is older than ``stale_after`` is a
daemon that died without saying so (kill -9, a lost machine).
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from db.models import DaemonRow
from db.types import fit, utcnow

LEADER, DELIVERER, STARTING = "leader", "deliverer", "starting"
RUNNING, STOPPED = "running", "stopped"
FORGET_AFTER = timedelta(days=1)  # stopped or dead rows older than this are removed


@dataclass(frozen=True)
class DaemonRecord:
    id: str
    host: str
    pid: int
    role: str
    state: str
    started_at: datetime
    heartbeat_at: datetime
    stopped_at: datetime | None
    info: dict[str, Any]

    def alive(self, now: datetime, stale_after: timedelta) -> bool:
        return self.state == RUNNING and now - self.heartbeat_at < stale_after

    def to_json(self, now: datetime, stale_after: timedelta) -> dict[str, Any]:
        return {
            "id": self.id, "host": self.host, "pid": self.pid, "role": self.role,
            "state": self.state if self.alive(now, stale_after) or self.state == STOPPED
            else "dead",
            "alive": self.alive(now, stale_after),
            "started_at": self.started_at.isoformat(),
            "heartbeat_at": self.heartbeat_at.isoformat(),
            "stopped_at": self.stopped_at.isoformat() if self.stopped_at else None,
        }


def new_id() -> str:
    return uuid.uuid4().hex


def register(session: Session, daemon_id: str, role: str = STARTING) -> None:
    """This process's row; old rows of stopped or long-dead daemons are cleared."""
    now = utcnow()
    session.execute(delete(DaemonRow).where(DaemonRow.heartbeat_at < now - FORGET_AFTER))
    session.add(DaemonRow(id=daemon_id, host=fit(socket.gethostname(), DaemonRow.host),
                          pid=os.getpid(), role=role, state=RUNNING, started_at=now,
                          heartbeat_at=now, info={}))


def beat(session: Session, daemon_id: str, role: str, info: dict[str, Any]) -> None:
    session.execute(
        update(DaemonRow).where(DaemonRow.id == daemon_id)
        .values(role=role, heartbeat_at=utcnow(), info=info, state=RUNNING)
    )


def mark_stopped(session: Session, daemon_id: str) -> None:
    session.execute(
        update(DaemonRow).where(DaemonRow.id == daemon_id)
        .values(state=STOPPED, stopped_at=utcnow(), role=DELIVERER)
    )


def list_daemons(session: Session) -> list[DaemonRecord]:
    """Every daemon known, running ones first, then by start time."""
    rows = session.scalars(select(DaemonRow).order_by(DaemonRow.started_at))
    records = [DaemonRecord(r.id, r.host, r.pid, r.role, r.state, r.started_at,
                            r.heartbeat_at, r.stopped_at, dict(r.info or {})) for r in rows]
    return sorted(records, key=lambda d: d.state != RUNNING)
