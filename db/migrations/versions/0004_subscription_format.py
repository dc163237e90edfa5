"""subscriptions.format: how a subscriber's alerts read (full or short)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # existing subscriptions keep the message they have always had
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(
            sa.Column("format", sa.String(16), nullable=False, server_default="full")
        )


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("format")
