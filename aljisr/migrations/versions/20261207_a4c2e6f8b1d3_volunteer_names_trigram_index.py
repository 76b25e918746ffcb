"""volunteer names found anywhere in the key by a trigram index (PostgreSQL only)

Revision ID: a4c2e6f8b1d3
Revises: d7b1e9c3a5f2
Create Date: 2026-12-07 15:15:00

A search for a part of a name ("LIKE '%tazi%'", ``aljisr.listing.search_clause``) cannot use a
B-tree index: PostgreSQL read all 10,000 volunteers for it, 7 ms a statement at full size, in
the hours queue's filter twice a page. ``pg_trgm``'s GIN index answers it from the index
(docs/architecture.md §6.25). ``pg_trgm`` ships with PostgreSQL and is a trusted extension
(PostgreSQL 13 and later): the owner of the database may create it without being a
superuser. SQLite has no such index and keeps scanning; nothing is done there.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a4c2e6f8b1d3'
down_revision = 'd7b1e9c3a5f2'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.create_index('ix_volunteers_search_key_trgm', 'volunteers', ['search_key'],
                    unique=False, postgresql_using='gin',
                    postgresql_ops={'search_key': 'gin_trgm_ops'})


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    # the extension stays: another database object may have come to use it
    op.drop_index('ix_volunteers_search_key_trgm', table_name='volunteers')
