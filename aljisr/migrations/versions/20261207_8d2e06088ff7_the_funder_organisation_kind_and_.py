"""the funder: organisation kind 'partner' becomes 'funder', projects.partner_id becomes funder_id

Revision ID: 8d2e06088ff7
Revises: b4c7a1e2d9f0
Create Date: 2026-12-07 03:40:00

"Partner" meant four things (issue 11). It now means only a sending or host organisation's
login; an organisation that finances or supports projects is a *funder* (docs/architecture.md
§1). Its kind is stored as 'funder', and a project's link to it is ``funder_id`` (index
``ix_projects_funder_id``, foreign key ``fk_projects_funder_id_organisations``). Every row keeps
its id and its links. The audit log's "project.update" events name the changed fields, so
'partner_id' in their ``changed`` lists becomes 'funder_id' (the log keeps its labels).

On SQLite the CHECK constraint on ``organisations.kind`` and the foreign key's name are part of
the table's CREATE statement, so batch mode recreates ``organisations`` (twice: the constraint
comes back only after the rows are renamed) and ``projects``; neither has triggers, and
env.py turns foreign keys off around migrations on SQLite and checks them before committing.
PostgreSQL renames in place.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d2e06088ff7'
down_revision = 'b4c7a1e2d9f0'
branch_labels = None
depends_on = None

KIND_CHECK = 'ck_organisations_organisation_kind'

audit_events = sa.table(
    'audit_events',
    sa.column('id', sa.Integer),
    sa.column('action', sa.String),
    sa.column('details', sa.JSON),
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _rename_kind(old: str, new: str, kinds: tuple[str, ...]) -> None:
    """Rename the stored kind ``old`` to ``new``; the CHECK constraint then allows ``kinds``."""
    if _sqlite():
        with op.batch_alter_table('organisations', recreate='always') as batch_op:
            batch_op.drop_constraint(op.f(KIND_CHECK), type_='check')
    else:
        op.drop_constraint(op.f(KIND_CHECK), 'organisations', type_='check')
    op.execute(sa.text("UPDATE organisations SET kind = :new WHERE kind = :old")
               .bindparams(old=old, new=new))
    allowed = "kind IN ({})".format(", ".join(f"'{kind}'" for kind in kinds))
    if _sqlite():
        with op.batch_alter_table('organisations', recreate='always') as batch_op:
            batch_op.create_check_constraint(op.f(KIND_CHECK), allowed)
    else:
        op.create_check_constraint(op.f(KIND_CHECK), 'organisations', allowed)


def _rename_link(old: str, new: str) -> None:
    """Rename ``projects.<old>_id`` to ``<new>_id`` with its index and foreign key."""
    old_index, new_index = f'ix_projects_{old}_id', f'ix_projects_{new}_id'
    old_fk = f'fk_projects_{old}_id_organisations'
    new_fk = f'fk_projects_{new}_id_organisations'
    if _sqlite():
        with op.batch_alter_table('projects', recreate='always') as batch_op:
            batch_op.drop_index(op.f(old_index))
            batch_op.drop_constraint(op.f(old_fk), type_='foreignkey')
            batch_op.alter_column(f'{old}_id', new_column_name=f'{new}_id',
                                  existing_type=sa.Integer(), existing_nullable=True)
        # a second batch and a plain index: within one batch, Alembic loses a foreign key or
        # an index on a column renamed by that batch
        with op.batch_alter_table('projects', recreate='always') as batch_op:
            batch_op.create_foreign_key(op.f(new_fk), 'organisations', [f'{new}_id'], ['id'],
                                        ondelete='RESTRICT')
        op.create_index(op.f(new_index), 'projects', [f'{new}_id'], unique=False)
    else:
        op.alter_column('projects', f'{old}_id', new_column_name=f'{new}_id')
        op.execute(f'ALTER INDEX {old_index} RENAME TO {new_index}')
        op.execute(f'ALTER TABLE projects RENAME CONSTRAINT {old_fk} TO {new_fk}')


def _rename_changed_field(old: str, new: str) -> None:
    """In the ``changed`` list of "project.update" audit events, ``old`` becomes ``new``."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(audit_events.c.id, audit_events.c.details)
                        .where(audit_events.c.action == 'project.update')).all()
    for event_id, details in rows:
        changed = (details or {}).get('changed') or []
        if old in changed:
            details = {**details, 'changed': [new if name == old else name for name in changed]}
            bind.execute(audit_events.update().where(audit_events.c.id == event_id)
                         .values(details=details))


def upgrade():
    _rename_kind('partner', 'funder', ('sending', 'host', 'funder'))
    _rename_link('partner', 'funder')
    _rename_changed_field('partner_id', 'funder_id')


def downgrade():
    _rename_changed_field('funder_id', 'partner_id')
    _rename_link('funder', 'partner')
    _rename_kind('funder', 'partner', ('sending', 'host', 'partner'))
