"""public descriptions of projects, and testimonials

Revision ID: c6a2f4e8d1b3
Revises: b7d1e9c3a5f8
Create Date: 2026-12-07 06:40:00

The public site (issue 15): a project's description for the public in English, French and
Arabic, whether its funder may be named there, and volunteers' testimonials.
"""
import sqlalchemy as sa
from alembic import op

from aljisr.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'c6a2f4e8d1b3'
down_revision = 'b7d1e9c3a5f8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('public_description_fr', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('public_description_ar', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('funder_public', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_table(
        'testimonials',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('volunteer_id', sa.Integer(), nullable=False),
        sa.Column('placement_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('signature', sa.Enum('first_name_country', 'full_name', 'anonymous',
                                       name='testimonial_signature', native_enum=False,
                                       create_constraint=True), nullable=False),
        sa.Column('status', sa.Enum('submitted', 'published', 'declined', 'withdrawn',
                                    name='testimonial_status', native_enum=False,
                                    create_constraint=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.Column('decline_reason', sa.String(length=500), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_testimonials_decided_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['placement_id'], ['placements.id'],
                                name=op.f('fk_testimonials_placement_id_placements'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'],
                                name=op.f('fk_testimonials_project_id_projects'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'],
                                name=op.f('fk_testimonials_volunteer_id_volunteers'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_testimonials')),
    )
    op.create_index(op.f('ix_testimonials_volunteer_id'), 'testimonials', ['volunteer_id'])
    op.create_index(op.f('ix_testimonials_placement_id'), 'testimonials', ['placement_id'])
    op.create_index(op.f('ix_testimonials_project_id'), 'testimonials', ['project_id'])
    op.create_index(op.f('ix_testimonials_status'), 'testimonials', ['status'])


def downgrade():
    op.drop_index(op.f('ix_testimonials_status'), table_name='testimonials')
    op.drop_index(op.f('ix_testimonials_project_id'), table_name='testimonials')
    op.drop_index(op.f('ix_testimonials_placement_id'), table_name='testimonials')
    op.drop_index(op.f('ix_testimonials_volunteer_id'), table_name='testimonials')
    op.drop_table('testimonials')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('funder_public')
        batch_op.drop_column('public_description_ar')
        batch_op.drop_column('public_description_fr')
        batch_op.drop_column('public_description')
