"""daemons: one row per daemon process on the database (host, pid, role, heartbeat)

Several daemons share one PostgreSQL database (one leader polls, all deliver); ``status``
lists them from here. ``daemon_state`` stays: it is SQLite's one-daemon claim.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daemons",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.Column("stopped_at", UTCDateTime(), nullable=True),
        sa.Column("info", sa.JSON(), nullable=False),
    )
    op.create_index("ix_daemons_heartbeat", "daemons", ["heartbeat_at"])


def downgrade() -> None:
    op.drop_index("ix_daemons_heartbeat", table_name="daemons")
    op.drop_table("daemons")
