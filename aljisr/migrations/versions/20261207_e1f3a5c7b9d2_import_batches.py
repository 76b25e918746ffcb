"""import batches, their records and remembered column mappings

Revision ID: e1f3a5c7b9d2
Revises: f1b2c3d4e5a6
Create Date: 2026-12-07 04:35:00

Also indexes volunteers by date of birth, where likely duplicates are looked up.

Bulk intake of volunteers (issue 16): a file imported as one batch (kept while pending), the
volunteers each batch created or updated (for undo), and each sending organisation's columns.
"""
import sqlalchemy as sa
from alembic import op

from aljisr.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'e1f3a5c7b9d2'
down_revision = 'f1b2c3d4e5a6'
branch_labels = None
depends_on = None


def upgrade():
    # likely duplicates are looked up by date of birth (one lookup per imported row)
    op.create_index(op.f('ix_volunteers_date_of_birth'), 'volunteers', ['date_of_birth'])
    op.create_table(
        'import_batches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('committed_at', UTCDateTime(), nullable=True),
        sa.Column('undone_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_import_batches_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_import_batches_organisation_id_organisations'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches')),
    )
    op.create_index(op.f('ix_import_batches_sha256'), 'import_batches', ['sha256'])
    op.create_index(op.f('ix_import_batches_organisation_id'), 'import_batches',
                    ['organisation_id'])
    op.create_table(
        'import_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('volunteer_id', sa.Integer(), nullable=True),
        sa.Column('row_number', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'],
                                name=op.f('fk_import_records_batch_id_import_batches'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'],
                                name=op.f('fk_import_records_volunteer_id_volunteers'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_records')),
    )
    op.create_index(op.f('ix_import_records_batch_id'), 'import_records', ['batch_id'])
    op.create_index(op.f('ix_import_records_volunteer_id'), 'import_records', ['volunteer_id'])
    op.create_table(
        'import_mappings',
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('columns', sa.JSON(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_import_mappings_organisation_id_organisations'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_import_mappings')),
    )


def downgrade():
    op.drop_table('import_mappings')
    op.drop_index(op.f('ix_import_records_volunteer_id'), table_name='import_records')
    op.drop_index(op.f('ix_import_records_batch_id'), table_name='import_records')
    op.drop_table('import_records')
    op.drop_index(op.f('ix_import_batches_organisation_id'), table_name='import_batches')
    op.drop_index(op.f('ix_import_batches_sha256'), table_name='import_batches')
    op.drop_table('import_batches')
    op.drop_index(op.f('ix_volunteers_date_of_birth'), table_name='volunteers')
