"""restated figures as vintages of their period; cached archive listing pages

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

A release restates earlier periods ("In the first quarter, real GDP increased 2.1
percent"): until now that value lived only in ``prior_value``/``prior_period`` of the
headline figure. From 0005 on it is also a figure row of its own (``restated`` true,
estimate ``revised``), so every vintage of a period is one row; the upgrade derives those
rows for the figures already stored. ``listing_cache`` keeps the last body of each BEA
archive listing page, so a 304 on a re-run can be read again without asking BEA.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.types
from db.views import VIEWS_V1, VIEWS_V2, create_statements, drop_statements

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# the same rule as db.store.restatements: one row per (snapshot, indicator, prior period,
# unit) that the snapshot does not state itself; the first figure stating it wins
_DERIVE = """
INSERT INTO figures (release_id, snapshot_id, indicator, label, period, estimate, value,
                     unit, prior_value, prior_period, stated_at, restated)
SELECT f.release_id, f.snapshot_id, f.indicator, f.label, f.prior_period, 'revised',
       f.prior_value, f.unit, NULL, NULL, f.stated_at, :yes
FROM figures f
WHERE f.prior_value IS NOT NULL AND f.prior_period IS NOT NULL AND f.prior_period <> ''
  AND f.id = (SELECT MIN(g.id) FROM figures g
              WHERE g.snapshot_id = f.snapshot_id AND g.indicator = f.indicator
                AND g.unit = f.unit AND g.prior_period = f.prior_period
                AND g.prior_value IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM figures h
                  WHERE h.snapshot_id = f.snapshot_id AND h.indicator = f.indicator
                    AND h.unit = f.unit AND h.period = f.prior_period)
"""


def upgrade() -> None:
    for statement in drop_statements(VIEWS_V1):
        op.execute(statement)
    op.add_column('figures', sa.Column('restated', sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    op.create_table(
        'listing_cache',
        sa.Column('url', sa.String(length=1000), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('raw_zlib', sa.LargeBinary(), nullable=False),
        sa.Column('fetched_at', db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('url'),
    )
    op.get_bind().execute(sa.text(_DERIVE), {"yes": True})
    for statement in create_statements(VIEWS_V2):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements(VIEWS_V2):
        op.execute(statement)
    op.execute("DELETE FROM figures WHERE restated")
    op.drop_table('listing_cache')
    op.drop_column('figures', 'restated')
    for statement in create_statements(VIEWS_V1):
        op.execute(statement)
