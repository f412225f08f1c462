"""messages to participants: what was sent, to whom, and saved templates

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 20:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "participant_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("filters_json", sa.Text(), nullable=False),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_participant_message_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["job.id"], name=op.f("fk_participant_message_job_id_job"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["user.id"], name=op.f("fk_participant_message_sent_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_message")),
    )
    with op.batch_alter_table("participant_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_participant_message_event_id"), ["event_id"], unique=False)

    op.create_table(
        "message_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["participant_message.id"],
            name=op.f("fk_message_recipient_message_id_participant_message"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_message.id"],
            name=op.f("fk_message_recipient_outbox_message_id_outbox_message"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_message_recipient_registration_id_registration"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_recipient")),
        sa.UniqueConstraint("message_id", "registration_id", name=op.f("uq_message_recipient_message_id")),
    )
    with op.batch_alter_table("message_recipient", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_recipient_message_id"), ["message_id"], unique=False)

    op.create_table(
        "message_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_message_template_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_message_template_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_message_template_series_id_series"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_template")),
        sa.UniqueConstraint("event_id", "name", name=op.f("uq_message_template_event_id")),
        sa.UniqueConstraint("series_id", "name", name=op.f("uq_message_template_series_id")),
    )
    with op.batch_alter_table("message_template", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_template_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_template_series_id"), ["series_id"], unique=False)


def downgrade():
    with op.batch_alter_table("message_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_template_series_id"))
        batch_op.drop_index(batch_op.f("ix_message_template_event_id"))
    op.drop_table("message_template")
    with op.batch_alter_table("message_recipient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_recipient_message_id"))
    op.drop_table("message_recipient")
    with op.batch_alter_table("participant_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participant_message_event_id"))
    op.drop_table("participant_message")
