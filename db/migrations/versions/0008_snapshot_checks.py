"""snapshots.checks: what a page vintage was cross-checked against, and the outcome

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # existing vintages were never checked against anything: NULL (no checks), not "agree".
    # A plain ADD COLUMN (SQLite has it): a batch copy of snapshots would trip the foreign
    # keys figures and releases hold on it.
    op.add_column("snapshots", sa.Column("checks", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("snapshots", "checks")
