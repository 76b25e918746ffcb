"""partial index of live placements' spans per project

Revision ID: 8e2f4a6c1b37
Revises: 3c1e7b9a4d52
Create Date: 2026-11-29 15:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8e2f4a6c1b37'
down_revision = '3c1e7b9a4d52'
branch_labels = None
depends_on = None

# the live statuses as they stood at this revision (aljisr.placements.models.LIVE_CONDITION)
LIVE = sa.text("status IN ('proposed', 'confirmed', 'active', 'completed')")


def upgrade():
    # covering and partial: a project's live placements by last day, read from the index alone
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.create_index('ix_placements_live_spans', ['project_id', 'end_date', 'start_date'],
                              unique=False, sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade():
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index('ix_placements_live_spans')
