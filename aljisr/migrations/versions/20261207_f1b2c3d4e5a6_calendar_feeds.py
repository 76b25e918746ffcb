"""calendar feeds: one secret, revocable token per user

Revision ID: f1b2c3d4e5a6
Revises: e3a9c5d17b42
Create Date: 2026-12-07 04:30:00
"""
import sqlalchemy as sa
from alembic import op

from aljisr.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'f1b2c3d4e5a6'
down_revision = 'e3a9c5d17b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'calendar_feeds',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_calendar_feeds')),
        sa.UniqueConstraint('token', name=op.f('uq_calendar_feeds_token')),
    )


def downgrade():
    op.drop_table('calendar_feeds')
