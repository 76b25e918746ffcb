"""hours entries indexed by date

Revision ID: 5d0c1e7a9b21
Revises: 8659204e6101
Create Date: 2026-11-29 18:05:00

The review queue with every status shown lists entries by date then id: with this index
SQLite and PostgreSQL read the first page in order instead of sorting 400,000 entries
(about 190 ms at the benchmark's full size). Plain (not batch) index operations, so SQLite
keeps the triggers on ``hours_entries``.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5d0c1e7a9b21'
down_revision = '8659204e6101'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_hours_entries_work_date', 'hours_entries', ['work_date', 'id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_hours_entries_work_date', table_name='hours_entries')
