"""project bookings: live placements per project and day, kept by triggers on placements

Revision ID: 544905b6db07
Revises: c84a3e52aa38
Create Date: 2026-11-29 15:26:53.015962

The overview's "projects full or nearly full" reads this table (a row per project and day
with at least one live placement) instead of every placement overlapping the coming weeks.
Triggers keep it right whoever writes placements (services, seed, bulk imports).

SQLite triggers cannot use a WITH clause, so the days of a placement come from json_each()
over a JSON array of as many zeros as the placement has days (its ``key`` is 0, 1, 2, ...).

NOTE for later migrations: on SQLite a batch migration that recreates ``placements`` drops
its triggers; run ``create_triggers()`` from this module again afterwards
(tests/placements/test_project_bookings.py fails when they are missing).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '544905b6db07'
down_revision = 'c84a3e52aa38'
branch_labels = None
depends_on = None

# the live statuses as they stood at this revision (aljisr.placements.models.LIVE_CONDITION)
LIVE = "('proposed', 'confirmed', 'active', 'completed')"


def _sqlite_days(row: str) -> str:
    """FROM clause: one row per day of ``row``'s placement, ``key`` counting from 0."""
    return (f"json_each('[' || replace(hex(zeroblob(CAST(julianday({row}.end_date) - "
            f"julianday({row}.start_date) AS INTEGER))), '00', '0,') || '0]')")


def _sqlite_add(row: str) -> str:
    return f"""
      INSERT INTO project_bookings (project_id, day, placements)
      SELECT {row}.project_id, date({row}.start_date, '+' || key || ' days'), 1
      FROM {_sqlite_days(row)}
      WHERE {row}.status IN {LIVE}
      ON CONFLICT (project_id, day) DO UPDATE SET placements = placements + 1;"""


def _sqlite_remove(row: str) -> str:
    return f"""
      UPDATE project_bookings SET placements = placements - 1
      WHERE {row}.status IN {LIVE} AND project_id = {row}.project_id
        AND day BETWEEN {row}.start_date AND {row}.end_date;
      DELETE FROM project_bookings
      WHERE project_id = {row}.project_id AND placements <= 0;"""


SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER project_bookings_insert AFTER INSERT ON placements
    WHEN NEW.status IN {LIVE}
    BEGIN {_sqlite_add("NEW")}
    END
    """,
    f"""
    CREATE TRIGGER project_bookings_delete AFTER DELETE ON placements
    WHEN OLD.status IN {LIVE}
    BEGIN {_sqlite_remove("OLD")}
    END
    """,
    f"""
    CREATE TRIGGER project_bookings_update
    AFTER UPDATE OF status, start_date, end_date, project_id ON placements
    WHEN OLD.status IN {LIVE} OR NEW.status IN {LIVE}
    BEGIN {_sqlite_remove("OLD")} {_sqlite_add("NEW")}
    END
    """,
]

POSTGRES_TRIGGERS = [
    f"""
    CREATE FUNCTION project_bookings_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.status = NEW.status AND OLD.start_date = NEW.start_date
         AND OLD.end_date = NEW.end_date AND OLD.project_id = NEW.project_id THEN
        RETURN NULL;
      END IF;
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN {LIVE} THEN
        UPDATE project_bookings SET placements = placements - 1
        WHERE project_id = OLD.project_id AND day BETWEEN OLD.start_date AND OLD.end_date;
        DELETE FROM project_bookings WHERE project_id = OLD.project_id AND placements <= 0;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN {LIVE} THEN
        INSERT INTO project_bookings (project_id, day, placements)
        SELECT NEW.project_id, d::date, 1
        FROM generate_series(NEW.start_date, NEW.end_date, interval '1 day') AS d
        ORDER BY 2
        ON CONFLICT (project_id, day) DO UPDATE
        SET placements = project_bookings.placements + 1;
      END IF;
      RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER project_bookings_change
    AFTER INSERT OR DELETE OR UPDATE OF status, start_date, end_date, project_id ON placements
    FOR EACH ROW EXECUTE FUNCTION project_bookings_apply()
    """,
]

BACKFILL = {
    "sqlite": f"""
        INSERT INTO project_bookings (project_id, day, placements)
        SELECT p.project_id, date(p.start_date, '+' || d.key || ' days'), COUNT(*)
        FROM placements AS p, {_sqlite_days("p")} AS d
        WHERE p.status IN {LIVE}
        GROUP BY 1, 2
    """,
    "postgresql": f"""
        INSERT INTO project_bookings (project_id, day, placements)
        SELECT p.project_id, d::date, COUNT(*)
        FROM placements AS p,
             generate_series(p.start_date, p.end_date, interval '1 day') AS d
        WHERE p.status IN {LIVE}
        GROUP BY 1, 2
    """,
}


def create_triggers() -> None:
    """Create the triggers for the current database (SQLite or PostgreSQL)."""
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRES_TRIGGERS:
        op.execute(statement)


def upgrade():
    op.create_table('project_bookings',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('placements', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_bookings_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'day', name=op.f('pk_project_bookings'))
    )
    op.execute(BACKFILL[op.get_bind().dialect.name])
    create_triggers()


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS project_bookings_{name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS project_bookings_change ON placements")
        op.execute("DROP FUNCTION IF EXISTS project_bookings_apply()")
    op.drop_table('project_bookings')
