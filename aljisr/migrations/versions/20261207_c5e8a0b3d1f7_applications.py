"""applications: requests to join sent from the public form, and their chosen projects

Revision ID: c5e8a0b3d1f7
Revises: c5d8e2f4a913
Create Date: 2026-12-07 06:40:00
"""
import sqlalchemy as sa
from alembic import op

from aljisr.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'c5e8a0b3d1f7'
down_revision = 'c5d8e2f4a913'
branch_labels = None
depends_on = None

STATUSES = ('new', 'in_review', 'accepted', 'declined', 'withdrawn')


def upgrade():
    op.create_table(
        'applications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum(*STATUSES, name='application_status', native_enum=False,
                                    create_constraint=True, length=9), nullable=False),
        sa.Column('full_name', sa.String(length=200), nullable=False),
        sa.Column('name_ar', sa.String(length=200), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('open_email', sa.String(length=254), nullable=True),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('date_of_birth', sa.Date(), nullable=True),
        sa.Column('nationality', sa.String(length=2), nullable=True),
        sa.Column('languages', sa.JSON(), nullable=False),
        sa.Column('skills', sa.JSON(), nullable=False),
        sa.Column('interests', sa.JSON(), nullable=False),
        sa.Column('available_from', sa.Date(), nullable=True),
        sa.Column('available_to', sa.Date(), nullable=True),
        sa.Column('sending_organisation_id', sa.Integer(), nullable=True),
        sa.Column('sending_organisation_other', sa.String(length=200), nullable=True),
        sa.Column('motivation', sa.Text(), nullable=True),
        sa.Column('heard_from', sa.String(length=32), nullable=True),
        sa.Column('heard_from_detail', sa.String(length=200), nullable=True),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('consent_version', sa.String(length=20), nullable=False),
        sa.Column('consent_at', UTCDateTime(), nullable=False),
        sa.Column('testimonial_consent', sa.Boolean(), nullable=False),
        sa.Column('testimonial_consent_at', UTCDateTime(), nullable=True),
        sa.Column('pending_values', sa.JSON(), nullable=True),
        sa.Column('link_version', sa.Integer(), nullable=False),
        sa.Column('confirmed_at', UTCDateTime(), nullable=True),
        sa.Column('reviewed_at', UTCDateTime(), nullable=True),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decline_reason', sa.Text(), nullable=True),
        sa.Column('withdrawn_at', UTCDateTime(), nullable=True),
        sa.Column('volunteer_id', sa.Integer(), nullable=True),
        sa.Column('search_key', sa.String(length=800), nullable=False),
        sa.Column('anonymised_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            'available_to IS NULL OR available_from IS NULL OR available_to >= available_from',
            name=op.f('ck_applications_availability_ordered')),
        sa.ForeignKeyConstraint(['sending_organisation_id'], ['organisations.id'],
                                name=op.f('fk_applications_sending_organisation_id_organisations'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_applications_decided_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'],
                                name=op.f('fk_applications_volunteer_id_volunteers'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
        sa.UniqueConstraint('open_email', name=op.f('uq_applications_open_email')),
    )
    for column in ('status', 'email', 'nationality', 'confirmed_at', 'sending_organisation_id',
                   'volunteer_id', 'search_key'):
        op.create_index(op.f(f'ix_applications_{column}'), 'applications', [column])
    op.create_table(
        'application_projects',
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.CheckConstraint('rank BETWEEN 1 AND 3', name=op.f('ck_application_projects_rank_range')),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_application_projects_application_id_applications'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'],
                                name=op.f('fk_application_projects_project_id_projects'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('application_id', 'rank', name=op.f('pk_application_projects')),
        sa.UniqueConstraint('application_id', 'project_id',
                            name=op.f('uq_application_projects_one_rank_per_project')),
    )
    op.create_index(op.f('ix_application_projects_project_id'), 'application_projects',
                    ['project_id'])


def downgrade():
    op.drop_table('application_projects')
    op.drop_table('applications')
