"""an event's privacy notice, in versions, and the version each registration agreed to

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 23:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "privacy_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("controller", sa.Text(), nullable=False),
        sa.Column("purposes", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("retention", sa.Text(), nullable=False),
        sa.Column("rights", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_privacy_notice_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_privacy_notice_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_notice")),
        sa.UniqueConstraint("event_id", "number", name=op.f("uq_privacy_notice_event_id")),
    )
    with op.batch_alter_table("privacy_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_notice_event_id"), ["event_id"], unique=False)

    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("privacy_notice_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_registration_privacy_notice_id_privacy_notice"),
            "privacy_notice",
            ["privacy_notice_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_registration_privacy_notice_id_privacy_notice"), type_="foreignkey")
        batch_op.drop_column("privacy_notice_id")

    with op.batch_alter_table("privacy_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_notice_event_id"))

    op.drop_table("privacy_notice")
