"""index hours entries queried by their host

Revision ID: 3c1e7b9a4d52
Revises: 6cb22b5519d1
Create Date: 2026-11-29 13:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3c1e7b9a4d52'
down_revision = '6cb22b5519d1'
branch_labels = None
depends_on = None

QUERIED = sa.text("host_query IS NOT NULL")


def upgrade():
    # partial: only the few entries with an open host query (the review queue's filter)
    with op.batch_alter_table('hours_entries', schema=None) as batch_op:
        batch_op.create_index('ix_hours_entries_host_queried', ['status', 'work_date'],
                              unique=False, sqlite_where=QUERIED, postgresql_where=QUERIED)


def downgrade():
    with op.batch_alter_table('hours_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_hours_entries_host_queried')
