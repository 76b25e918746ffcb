"""outbox delivery by a worker, attachments, notification opt-outs

Revision ID: e3a9c5d17b42
Revises: a17c0e5d2b40
Create Date: 2026-12-07 04:10:00

``outbox_messages`` becomes a queue: status, attempts, next attempt, lease, last error, an
HTML part, headers, language, kind and a unique marker. Rows written before this revision were
already handed to SMTP or logged, so they become ``sent`` (at their creation time).
"""
import sqlalchemy as sa
from alembic import op

from aljisr.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'e3a9c5d17b42'
down_revision = 'a17c0e5d2b40'
branch_labels = None
depends_on = None

STATUS = sa.Enum('queued', 'sending', 'sent', 'failed', name='outbox_status',
                 native_enum=False, create_constraint=True, length=7)


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('dedup_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('status', STATUS, nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('sent_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.Text(), nullable=True))
        batch_op.alter_column('transport', existing_type=sa.String(length=16), nullable=True)
    op.execute(
        "UPDATE outbox_messages SET status = 'sent', attempts = 0, headers = '{}', "
        "next_attempt_at = created_at, sent_at = created_at, "
        "transport = CASE WHEN transport = 'smtp' THEN 'smtp' ELSE 'log' END"
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('headers', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('status', existing_type=STATUS, nullable=False)
        batch_op.alter_column('attempts', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('next_attempt_at', existing_type=UTCDateTime(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_messages_dedup_key'),
                                          ['dedup_key'])
        batch_op.create_index('ix_outbox_messages_due', ['status', 'next_attempt_at'],
                              unique=False)

    op.create_table(
        'outbox_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['outbox_messages.id'],
                                name=op.f('fk_outbox_attachments_message_id_outbox_messages'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attachments')),
    )
    op.create_index(op.f('ix_outbox_attachments_message_id'), 'outbox_attachments',
                    ['message_id'], unique=False)
    op.create_table(
        'notification_opt_outs',
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('email', 'kind', name=op.f('pk_notification_opt_outs')),
    )


def downgrade():
    op.drop_table('notification_opt_outs')
    op.drop_index(op.f('ix_outbox_attachments_message_id'), table_name='outbox_attachments')
    op.drop_table('outbox_attachments')
    op.execute("UPDATE outbox_messages SET transport = 'outbox' WHERE transport IS NULL "
               "OR transport = 'log'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_due')
        batch_op.drop_constraint(batch_op.f('uq_outbox_messages_dedup_key'), type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_outbox_status'), type_='check')
        batch_op.alter_column('transport', existing_type=sa.String(length=16), nullable=False)
        for name in ('last_error', 'sent_at', 'claimed_at', 'next_attempt_at', 'attempts',
                     'status', 'kind', 'dedup_key', 'language', 'headers', 'html'):
            batch_op.drop_column(name)
