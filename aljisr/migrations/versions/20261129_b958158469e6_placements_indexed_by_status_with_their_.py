"""placements indexed by status with their dates, and by first and last day with their status

Revision ID: b958158469e6
Revises: 544905b6db07
Create Date: 2026-11-29 15:29:21.053412

Placements by status carry their dates (the overview counts the placements active today
from the index alone), and the first-day and last-day indexes carry the status (arrivals
and departures with their totals). Plain (not batch) index operations, so SQLite keeps the
triggers on ``placements``.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b958158469e6'
down_revision = '544905b6db07'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_placements_status', table_name='placements')
    op.create_index('ix_placements_status_dates', 'placements',
                    ['status', 'end_date', 'start_date'], unique=False)
    for column in ('start_date', 'end_date'):
        op.drop_index(f'ix_placements_{column}', table_name='placements')
        op.create_index(f'ix_placements_{column}', 'placements', [column, 'status'],
                        unique=False)


def downgrade():
    for column in ('start_date', 'end_date'):
        op.drop_index(f'ix_placements_{column}', table_name='placements')
        op.create_index(f'ix_placements_{column}', 'placements', [column], unique=False)
    op.drop_index('ix_placements_status_dates', table_name='placements')
    op.create_index('ix_placements_status', 'placements', ['status'], unique=False)
