"""season planner: project quotas, volunteers' gender and group, wishes, planning runs

Revision ID: a17c0e5d2b40
Revises: 3c9e5f1a7b42
Create Date: 2026-12-07 03:40:00

Columns are added with plain ``ADD COLUMN`` (nullable, no default), which SQLite supports
without rebuilding the table, so the triggers on ``volunteers`` and ``projects`` stay.
"""
import sqlalchemy as sa
from alembic import op

from aljisr.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'a17c0e5d2b40'
down_revision = '3c9e5f1a7b42'
branch_labels = None
depends_on = None


def upgrade():
    for name in ('min_age', 'min_stay_days', 'max_per_nationality', 'gender_margin'):
        op.add_column('projects', sa.Column(name, sa.SmallInteger(), nullable=True))
    op.add_column('volunteers', sa.Column('gender', sa.String(length=16), nullable=True))
    op.add_column('volunteers', sa.Column('application_group', sa.String(length=60),
                                          nullable=True))
    op.create_table(
        'project_wishes',
        sa.Column('volunteer_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('by_sending_organisation', sa.Boolean(), nullable=False),
        sa.Column('rank', sa.SmallInteger(), nullable=False),
        sa.CheckConstraint('rank BETWEEN 1 AND 3', name=op.f('ck_project_wishes_wish_rank')),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'],
                                name=op.f('fk_project_wishes_project_id_projects'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'],
                                name=op.f('fk_project_wishes_volunteer_id_volunteers'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('volunteer_id', 'project_id', 'by_sending_organisation',
                                name=op.f('pk_project_wishes')),
    )
    op.create_index(op.f('ix_project_wishes_project_id'), 'project_wishes', ['project_id'])
    op.create_table(
        'planning_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('outcome', sa.String(length=32), nullable=False),
        sa.Column('volunteers', sa.Integer(), nullable=False),
        sa.Column('projects', sa.Integer(), nullable=False),
        sa.Column('objective', sa.Integer(), nullable=False),
        sa.Column('greedy_objective', sa.Integer(), nullable=False),
        sa.Column('bound', sa.Integer(), nullable=False),
        sa.Column('gap', sa.Float(), nullable=True),
        sa.Column('solve_seconds', sa.Float(), nullable=False),
        sa.Column('conflicts', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_planning_runs_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_planning_runs')),
    )
    op.create_index(op.f('ix_planning_runs_created_at'), 'planning_runs', ['created_at'])
    op.create_table(
        'planned_placements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('volunteer_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.Column('placement_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['placement_id'], ['placements.id'],
                                name=op.f('fk_planned_placements_placement_id_placements'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'],
                                name=op.f('fk_planned_placements_project_id_projects'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['run_id'], ['planning_runs.id'],
                                name=op.f('fk_planned_placements_run_id_planning_runs'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'],
                                name=op.f('fk_planned_placements_volunteer_id_volunteers'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_planned_placements')),
    )
    op.create_index(op.f('ix_planned_placements_run_id'), 'planned_placements', ['run_id'])
    op.create_index(op.f('ix_planned_placements_volunteer_id'), 'planned_placements',
                    ['volunteer_id'])
    op.create_table(
        'planner_left_out',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('volunteer_id', sa.Integer(), nullable=False),
        sa.Column('why', sa.String(length=32), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'],
                                name=op.f('fk_planner_left_out_project_id_projects'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['run_id'], ['planning_runs.id'],
                                name=op.f('fk_planner_left_out_run_id_planning_runs'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'],
                                name=op.f('fk_planner_left_out_volunteer_id_volunteers'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_planner_left_out')),
    )
    op.create_index(op.f('ix_planner_left_out_run_id'), 'planner_left_out', ['run_id'])


def downgrade():
    op.drop_table('planner_left_out')
    op.drop_table('planned_placements')
    op.drop_table('planning_runs')
    op.drop_table('project_wishes')
    with op.batch_alter_table('volunteers') as batch:
        batch.drop_column('application_group')
        batch.drop_column('gender')
    with op.batch_alter_table('projects') as batch:
        for name in ('gender_margin', 'max_per_nationality', 'min_stay_days', 'min_age'):
            batch.drop_column(name)
