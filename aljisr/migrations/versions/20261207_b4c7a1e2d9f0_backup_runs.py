"""backup runs

Revision ID: b4c7a1e2d9f0
Revises: 5d0c1e7a9b21
Create Date: 2026-12-07 03:50:00

One row per ``flask backup``: when, where, how large, and whether it worked (the admin page
and the overview's warning read it).
"""
import sqlalchemy as sa
from alembic import op

from aljisr.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'b4c7a1e2d9f0'
down_revision = '5d0c1e7a9b21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'backup_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('started_at', UTCDateTime(), nullable=False),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('path', sa.String(length=1000), nullable=True),
        sa.Column('size_bytes', sa.BigInteger(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_backup_runs')),
    )
    op.create_index(op.f('ix_backup_runs_started_at'), 'backup_runs', ['started_at'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_backup_runs_started_at'), table_name='backup_runs')
    op.drop_table('backup_runs')
