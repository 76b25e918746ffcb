"""planned placements keep the ranks of the wishes the run weighed

Revision ID: b8d4e2f6a913
Revises: c5e8a2d4f1b6
Create Date: 2026-12-07 10:00:00

The result of a season plan gives, beside each proposed placement, the volunteer's and their
sending organisation's wish for the project as the run saw them (the wishes may change after
it). Nullable: older runs did not record them.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8d4e2f6a913'
down_revision = 'c5e8a2d4f1b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('planned_placements') as batch:
        batch.add_column(sa.Column('wish_rank', sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column('org_wish_rank', sa.SmallInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('planned_placements') as batch:
        batch.drop_column('org_wish_rank')
        batch.drop_column('wish_rank')
