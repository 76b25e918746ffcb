"""hours month totals: approved hours per month, kept by triggers on hours_entries

Revision ID: 5410f9f9ad57
Revises: 97a3341451f7
Create Date: 2026-11-29 10:38:32.399903

The overview's "approved hours this year by month" reads this small table instead of every
entry of the year. Triggers keep it right whoever writes hours entries (services, seed, bulk
imports). Hours are stored as whole hundredths ("centihours") so sums are exact on SQLite.

NOTE for later migrations: on SQLite a batch migration that recreates ``hours_entries``
drops its triggers; run ``create_triggers()`` from this module again afterwards
(tests/hours/test_month_totals.py fails when they are missing).
"""
from alembic import op
import sqlalchemy as sa

import aljisr.database


# revision identifiers, used by Alembic.
revision = '5410f9f9ad57'
down_revision = '97a3341451f7'
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER hours_month_totals_insert AFTER INSERT ON hours_entries
    WHEN NEW.status = 'approved'
    BEGIN
      INSERT INTO hours_month_totals (month, centihours)
      VALUES (date(NEW.work_date, 'start of month'), CAST(ROUND(NEW.hours * 100) AS INTEGER))
      ON CONFLICT (month) DO UPDATE SET centihours = centihours + excluded.centihours;
    END
    """,
    """
    CREATE TRIGGER hours_month_totals_delete AFTER DELETE ON hours_entries
    WHEN OLD.status = 'approved'
    BEGIN
      UPDATE hours_month_totals
      SET centihours = centihours - CAST(ROUND(OLD.hours * 100) AS INTEGER)
      WHERE month = date(OLD.work_date, 'start of month');
    END
    """,
    """
    CREATE TRIGGER hours_month_totals_update AFTER UPDATE OF status, hours, work_date
    ON hours_entries
    WHEN OLD.status = 'approved' OR NEW.status = 'approved'
    BEGIN
      UPDATE hours_month_totals
      SET centihours = centihours - CAST(ROUND(OLD.hours * 100) AS INTEGER)
      WHERE OLD.status = 'approved' AND month = date(OLD.work_date, 'start of month');
      INSERT INTO hours_month_totals (month, centihours)
      SELECT date(NEW.work_date, 'start of month'), CAST(ROUND(NEW.hours * 100) AS INTEGER)
      WHERE NEW.status = 'approved'
      ON CONFLICT (month) DO UPDATE SET centihours = centihours + excluded.centihours;
    END
    """,
]

POSTGRES_TRIGGERS = [
    """
    CREATE FUNCTION hours_month_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.status = 'approved' THEN
          UPDATE hours_month_totals
          SET centihours = centihours - ROUND(OLD.hours * 100)::bigint
          WHERE month = date_trunc('month', OLD.work_date)::date;
        END IF;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF NEW.status = 'approved' THEN
          INSERT INTO hours_month_totals (month, centihours)
          VALUES (date_trunc('month', NEW.work_date)::date, ROUND(NEW.hours * 100)::bigint)
          ON CONFLICT (month) DO UPDATE
          SET centihours = hours_month_totals.centihours + EXCLUDED.centihours;
        END IF;
      END IF;
      RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER hours_month_totals_change
    AFTER INSERT OR DELETE OR UPDATE OF status, hours, work_date ON hours_entries
    FOR EACH ROW EXECUTE FUNCTION hours_month_totals_apply()
    """,
]

BACKFILL = {
    "sqlite": "date(work_date, 'start of month')",
    "postgresql": "date_trunc('month', work_date)::date",
}


def create_triggers() -> None:
    """Create the triggers for the current database (SQLite or PostgreSQL)."""
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRES_TRIGGERS:
        op.execute(statement)


def upgrade():
    op.create_table('hours_month_totals',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('centihours', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('month', name=op.f('pk_hours_month_totals'))
    )
    month = BACKFILL[op.get_bind().dialect.name]
    op.execute(
        f"INSERT INTO hours_month_totals (month, centihours) "
        f"SELECT {month}, SUM(ROUND(hours * 100)) FROM hours_entries "
        f"WHERE status = 'approved' GROUP BY {month}"
    )
    create_triggers()


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS hours_month_totals_{name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS hours_month_totals_change ON hours_entries")
        op.execute("DROP FUNCTION IF EXISTS hours_month_totals_apply()")
    op.drop_table('hours_month_totals')
