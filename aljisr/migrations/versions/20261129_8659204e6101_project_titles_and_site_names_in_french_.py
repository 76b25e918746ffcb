"""project titles and site names in French and Arabic

Revision ID: 8659204e6101
Revises: b958158469e6
Create Date: 2026-11-29 17:36:42.144873

Optional French and Arabic forms of a project's title and a site's name, printed on
certificates in those languages. Plain ``ADD COLUMN`` / ``DROP COLUMN`` (not batch), so
SQLite rebuilds no table.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8659204e6101'
down_revision = 'b958158469e6'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('projects', sa.Column('title_fr', sa.String(length=300), nullable=True))
    op.add_column('projects', sa.Column('title_ar', sa.String(length=300), nullable=True))
    op.add_column('sites', sa.Column('name_fr', sa.String(length=200), nullable=True))
    op.add_column('sites', sa.Column('name_ar', sa.String(length=200), nullable=True))


def downgrade():
    op.drop_column('sites', 'name_ar')
    op.drop_column('sites', 'name_fr')
    op.drop_column('projects', 'title_ar')
    op.drop_column('projects', 'title_fr')
