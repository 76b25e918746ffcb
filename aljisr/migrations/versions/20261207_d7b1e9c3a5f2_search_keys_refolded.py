"""every stored search key folded again: format characters, ı ø ł đ æ..., O'Connor

Revision ID: d7b1e9c3a5f2
Revises: b8d4e2f6a913
Create Date: 2026-12-07 10:30:00

``aljisr.text.search_key`` now drops format characters (U+200F, U+2068...), folds the letters
Unicode does not decompose ("Yılmaz" -> "yilmaz") and drops apostrophes and hyphens inside
words ("O'Connor" -> "oconnor"); a search folds its query the same way, so every stored key is
recomputed here from the columns each model builds it from (the models' ``@validates``), in
batches of ``BATCH`` rows by id, with plain SQL on both engines. It uses the current
``search_key``: run again after a later change of the folding, it brings the keys to that
one. Downgrading leaves the keys as they are (the older folding finds them all the same,
but for the letters above).
"""
import sqlalchemy as sa
from alembic import op

from aljisr.text import search_key

# revision identifiers, used by Alembic.
revision = 'd7b1e9c3a5f2'
down_revision = 'b8d4e2f6a913'
branch_labels = None
depends_on = None

#: Rows read and written at a time.
BATCH = 1000

#: table -> the columns its key is built from, in the order the model passes them.
KEYED = {
    'volunteers': ('full_name', 'name_ar', 'email'),
    'applications': ('full_name', 'name_ar', 'email'),
    'organisations': ('name', 'city'),
    'sites': ('name', 'city', 'name_fr', 'name_ar'),
    'projects': ('title', 'title_fr', 'title_ar'),
}


def refold(conn, table_name: str, columns: tuple[str, ...]) -> int:
    """Recompute ``search_key`` of every row of ``table_name``; returns how many changed."""
    table = sa.table(table_name, sa.column('id'), sa.column('search_key'),
                     *(sa.column(name) for name in columns))
    update = (table.update().where(table.c.id == sa.bindparam('row_id'))
              .values(search_key=sa.bindparam('new_key')))
    changed, last = 0, 0
    while True:
        rows = conn.execute(
            sa.select(table.c.id, table.c.search_key, *(table.c[name] for name in columns))
            .where(table.c.id > last).order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            return changed
        last = rows[-1][0]
        params = [{'row_id': row[0], 'new_key': key} for row in rows
                  if (key := search_key(*row[2:])) != row[1]]
        if params:
            conn.execute(update, params)
            changed += len(params)


def upgrade():
    conn = op.get_bind()
    for table_name, columns in KEYED.items():
        refold(conn, table_name, columns)


def downgrade():
    pass
