"""browse views: latest_figures, figure_history, release_list

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

from db.views import VIEWS_V1, create_statements, drop_statements

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in create_statements(VIEWS_V1):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements(VIEWS_V1):
        op.execute(statement)
