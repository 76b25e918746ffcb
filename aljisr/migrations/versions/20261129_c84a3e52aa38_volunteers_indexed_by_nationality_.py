"""volunteers indexed by nationality, status and name

Revision ID: c84a3e52aa38
Revises: 01964c883c65
Create Date: 2026-11-29 14:59:00.299125

The register filtered by nationality (and status) counts from this index alone and reads its
page in name order; it replaces the index on nationality alone, which it starts with. Plain
(not batch) index operations, so SQLite keeps the triggers on ``volunteers``.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c84a3e52aa38'
down_revision = '01964c883c65'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_volunteers_nationality', table_name='volunteers')
    op.create_index('ix_volunteers_nationality_status', 'volunteers',
                    ['nationality', 'status', 'archived_at', 'search_key'], unique=False)


def downgrade():
    op.drop_index('ix_volunteers_nationality_status', table_name='volunteers')
    op.create_index('ix_volunteers_nationality', 'volunteers', ['nationality'], unique=False)
