"""import jobs: a batch's preview or commit run by the worker, with its progress

Revision ID: b7d1e9c3a5f8
Revises: c5e8a0b3d1f7
Create Date: 2026-12-07 06:40:00

A large file is checked and imported by the worker (``flask worker``), not in the request:
the batch carries the job asked for, its state and lease, its progress (rows done / total),
the failure's message, and the checked rows kept for the page (``preview``).
"""
import sqlalchemy as sa
from alembic import op

from aljisr.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'b7d1e9c3a5f8'
down_revision = 'c5e8a0b3d1f7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_batches') as batch:
        batch.add_column(sa.Column('job', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('job_state', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('job_claimed_at', UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('job_error', sa.Text(), nullable=True))
        batch.add_column(sa.Column('progress_done', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('progress_total', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('preview', sa.JSON(), nullable=True))
        batch.create_index(batch.f('ix_import_batches_job_state'), ['job_state'])


def downgrade():
    with op.batch_alter_table('import_batches') as batch:
        batch.drop_index(batch.f('ix_import_batches_job_state'))
        for column in ('preview', 'progress_total', 'progress_done', 'job_error',
                       'job_claimed_at', 'job_state', 'job'):
            batch.drop_column(column)
