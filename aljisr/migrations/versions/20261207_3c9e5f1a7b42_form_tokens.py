"""one-time form tokens (a form sent twice saves once)

Revision ID: 3c9e5f1a7b42
Revises: 8d2e06088ff7
Create Date: 2026-12-07 04:05:00

"""
from alembic import op
import sqlalchemy as sa

import aljisr.database


# revision identifiers, used by Alembic.
revision = '3c9e5f1a7b42'
down_revision = '8d2e06088ff7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'form_tokens',
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('created_at', aljisr.database.UTCDateTime(), nullable=False),
        sa.Column('result_url', sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint('token', name=op.f('pk_form_tokens')),
    )
    with op.batch_alter_table('form_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_tokens_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('form_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_tokens_created_at'))
    op.drop_table('form_tokens')
