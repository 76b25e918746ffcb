"""backup runs keep why they failed as a code and values

Revision ID: c5e8a2d4f1b6
Revises: c6a2f4e8d1b3
Create Date: 2026-12-07 06:45:00

``error_code`` and ``error_params`` let the Backups page say a failure in the reader's
language (``aljisr.backup.dump.BACKUP_ERRORS``); ``error`` keeps the English text, and is
what older rows show.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c5e8a2d4f1b6'
down_revision = 'c6a2f4e8d1b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('backup_runs') as batch:
        batch.add_column(sa.Column('error_code', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('error_params', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('backup_runs') as batch:
        batch.drop_column('error_params')
        batch.drop_column('error_code')
