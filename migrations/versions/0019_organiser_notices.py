"""organisers' notices and their choice of when to be told

Revision ID: 0019
Revises: 0015
Create Date: 2027-03-01 10:00:00

Each happening that needs an event's organisers (a registration waiting for approval, a visa letter
requested, an e-mail that failed for good) is a row for each organiser to tell; each organiser
chooses at once, a daily digest or never, for all their events and for any one of them.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None

TIMING = sa.Enum("at_once", "daily", "never", name="timing", native_enum=False, length=20)


def upgrade():
    op.create_table(
        "notice_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("timing", TIMING, nullable=False),
        sa.Column("last_digest_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notice_settings_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notice_settings")),
    )
    op.create_table(
        "event_notice_timing",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("timing", TIMING, nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_event_notice_timing_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_event_notice_timing_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "event_id", name=op.f("pk_event_notice_timing")),
    )
    op.create_table(
        "organiser_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "pending_registration",
                "visa_letter_request",
                "failed_email",
                name="noticekind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("about", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("told_at", sa.DateTime(), nullable=True),
        sa.Column("mail_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_organiser_notice_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["mail_id"],
            ["outbox_message.id"],
            name=op.f("fk_organiser_notice_mail_id_outbox_message"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_organiser_notice_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organiser_notice")),
    )
    with op.batch_alter_table("organiser_notice") as batch_op:
        batch_op.create_index(batch_op.f("ix_organiser_notice_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_organiser_notice_mail_id"), ["mail_id"], unique=False)
        batch_op.create_index("ix_organiser_notice_user_id_told_at", ["user_id", "told_at"], unique=False)


def downgrade():
    with op.batch_alter_table("organiser_notice") as batch_op:
        batch_op.drop_index("ix_organiser_notice_user_id_told_at")
        batch_op.drop_index(batch_op.f("ix_organiser_notice_mail_id"))
        batch_op.drop_index(batch_op.f("ix_organiser_notice_event_id"))
    op.drop_table("organiser_notice")
    op.drop_table("event_notice_timing")
    op.drop_table("notice_settings")
