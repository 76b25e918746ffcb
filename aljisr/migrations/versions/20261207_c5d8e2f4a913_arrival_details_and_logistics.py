"""arrival details per placement, and the logistics kept on sites and projects

Revision ID: c5d8e2f4a913
Revises: e1f3a5c7b9d2
Create Date: 2026-12-07 06:40:00

``arrival_details``: one row per placement (travel in and out, pickup, insurance). Sites gain
the logistics of the pre-arrival infosheet (coordinates, meeting point, airports and stations,
accommodation, food, contacts, emergency numbers, code of conduct), projects their working days
and hours and what to bring, volunteers their emergency contact's relation. Plain
``ADD COLUMN`` (nullable), so SQLite rebuilds no table.
"""
import sqlalchemy as sa
from alembic import op

from aljisr.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'c5d8e2f4a913'
down_revision = 'e1f3a5c7b9d2'
branch_labels = None
depends_on = None

SITE_TEXTS = ('meeting_point', 'transport_points', 'accommodation', 'food', 'host_contact',
              'local_emergency', 'code_of_conduct')
MODES = ('flight', 'bus', 'train', 'car', 'other')


def _mode(name):
    return sa.Column(name, sa.Enum(*MODES, name=name, native_enum=False,
                                   create_constraint=True, length=6), nullable=True)


def upgrade():
    op.add_column('sites', sa.Column('latitude', sa.Numeric(9, 6), nullable=True))
    op.add_column('sites', sa.Column('longitude', sa.Numeric(9, 6), nullable=True))
    for name in SITE_TEXTS:
        op.add_column('sites', sa.Column(name, sa.Text(), nullable=True))
    op.add_column('projects', sa.Column('working_days', sa.String(length=200), nullable=True))
    op.add_column('projects', sa.Column('working_hours', sa.String(length=200), nullable=True))
    op.add_column('projects', sa.Column('what_to_bring', sa.Text(), nullable=True))
    op.add_column('volunteers', sa.Column('emergency_contact_relation', sa.String(length=100),
                                          nullable=True))
    op.create_table(
        'arrival_details',
        sa.Column('placement_id', sa.Integer(), nullable=False),
        sa.Column('arrival_date', sa.Date(), nullable=True),
        sa.Column('arrival_time', sa.Time(), nullable=True),
        _mode('arrival_mode'),
        sa.Column('arrival_number', sa.String(length=40), nullable=True),
        sa.Column('arrival_point', sa.String(length=200), nullable=True),
        sa.Column('pickup_needed', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('departure_date', sa.Date(), nullable=True),
        sa.Column('departure_time', sa.Time(), nullable=True),
        _mode('departure_mode'),
        sa.Column('departure_number', sa.String(length=40), nullable=True),
        sa.Column('insurance_provider', sa.String(length=200), nullable=True),
        sa.Column('insurance_policy', sa.String(length=100), nullable=True),
        sa.Column('insurance_valid_until', sa.Date(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['placement_id'], ['placements.id'],
                                name=op.f('fk_arrival_details_placement_id_placements'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('placement_id', name=op.f('pk_arrival_details')),
        sa.CheckConstraint('departure_date IS NULL OR arrival_date IS NULL '
                           'OR departure_date >= arrival_date',
                           name=op.f('ck_arrival_details_travel_ordered')),
    )
    op.create_index(op.f('ix_arrival_details_arrival_date'), 'arrival_details',
                    ['arrival_date'])
    op.create_index(op.f('ix_arrival_details_departure_date'), 'arrival_details',
                    ['departure_date'])


def downgrade():
    op.drop_index(op.f('ix_arrival_details_departure_date'), table_name='arrival_details')
    op.drop_index(op.f('ix_arrival_details_arrival_date'), table_name='arrival_details')
    op.drop_table('arrival_details')
    with op.batch_alter_table('volunteers') as batch:
        batch.drop_column('emergency_contact_relation')
    with op.batch_alter_table('projects') as batch:
        for name in ('what_to_bring', 'working_hours', 'working_days'):
            batch.drop_column(name)
    with op.batch_alter_table('sites') as batch:
        for name in (*reversed(SITE_TEXTS), 'longitude', 'latitude'):
            batch.drop_column(name)
