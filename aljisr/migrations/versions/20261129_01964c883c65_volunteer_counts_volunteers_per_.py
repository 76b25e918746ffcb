"""volunteer counts: volunteers per nationality and status, kept by triggers on volunteers

Revision ID: 01964c883c65
Revises: 8e2f4a6c1b37
Create Date: 2026-11-29 14:56:18.509984

The overview's headline count of volunteers and its "volunteers by nationality" read this
small table (a row per nationality and status) instead of every volunteer. Triggers keep it
right whoever writes volunteers (services, seed, bulk imports). A volunteer without a
nationality is counted under "".

NOTE for later migrations: on SQLite a batch migration that recreates ``volunteers`` drops
its triggers; run ``create_triggers()`` from this module again afterwards
(tests/volunteers/test_counts.py fails when they are missing).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '01964c883c65'
down_revision = '8e2f4a6c1b37'
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER volunteer_counts_insert AFTER INSERT ON volunteers
    BEGIN
      INSERT INTO volunteer_counts (nationality, status, volunteers)
      VALUES (COALESCE(NEW.nationality, ''), NEW.status, 1)
      ON CONFLICT (nationality, status) DO UPDATE SET volunteers = volunteers + 1;
    END
    """,
    """
    CREATE TRIGGER volunteer_counts_delete AFTER DELETE ON volunteers
    BEGIN
      UPDATE volunteer_counts SET volunteers = volunteers - 1
      WHERE nationality = COALESCE(OLD.nationality, '') AND status = OLD.status;
    END
    """,
    """
    CREATE TRIGGER volunteer_counts_update AFTER UPDATE OF nationality, status ON volunteers
    WHEN OLD.nationality IS NOT NEW.nationality OR OLD.status IS NOT NEW.status
    BEGIN
      UPDATE volunteer_counts SET volunteers = volunteers - 1
      WHERE nationality = COALESCE(OLD.nationality, '') AND status = OLD.status;
      INSERT INTO volunteer_counts (nationality, status, volunteers)
      VALUES (COALESCE(NEW.nationality, ''), NEW.status, 1)
      ON CONFLICT (nationality, status) DO UPDATE SET volunteers = volunteers + 1;
    END
    """,
]

POSTGRES_TRIGGERS = [
    """
    CREATE FUNCTION volunteer_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.nationality IS NOT DISTINCT FROM NEW.nationality
         AND OLD.status IS NOT DISTINCT FROM NEW.status THEN
        RETURN NULL;
      END IF;
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE volunteer_counts SET volunteers = volunteers - 1
        WHERE nationality = COALESCE(OLD.nationality, '') AND status = OLD.status;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO volunteer_counts (nationality, status, volunteers)
        VALUES (COALESCE(NEW.nationality, ''), NEW.status, 1)
        ON CONFLICT (nationality, status) DO UPDATE
        SET volunteers = volunteer_counts.volunteers + 1;
      END IF;
      RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER volunteer_counts_change
    AFTER INSERT OR DELETE OR UPDATE OF nationality, status ON volunteers
    FOR EACH ROW EXECUTE FUNCTION volunteer_counts_apply()
    """,
]


def create_triggers() -> None:
    """Create the triggers for the current database (SQLite or PostgreSQL)."""
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRES_TRIGGERS:
        op.execute(statement)


def upgrade():
    op.create_table('volunteer_counts',
    sa.Column('nationality', sa.String(length=2), nullable=False),
    sa.Column('status', sa.Enum('applicant', 'active', 'archived', name='volunteer_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('volunteers', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('nationality', 'status', name=op.f('pk_volunteer_counts'))
    )
    op.execute(
        "INSERT INTO volunteer_counts (nationality, status, volunteers) "
        "SELECT COALESCE(nationality, ''), status, COUNT(*) FROM volunteers "
        "GROUP BY COALESCE(nationality, ''), status"
    )
    create_triggers()


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS volunteer_counts_{name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS volunteer_counts_change ON volunteers")
        op.execute("DROP FUNCTION IF EXISTS volunteer_counts_apply()")
    op.drop_table('volunteer_counts')
