"""a person's own data and the retention period

Revision ID: 0032
Revises: 0031
Create Date: 2027-04-02 10:00:00

A person's export of their own data (one a person), which registrations were anonymised and why,
each event's retention period and the platform's default.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("preparing", "ready", "failed", name="exportstate", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("file_key", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("ready_at", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_data_export_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_export")),
        sa.UniqueConstraint("user_id", name=op.f("uq_data_export_user_id")),
    )
    op.create_index(op.f("ix_data_export_expires_at"), "data_export", ["expires_at"])
    op.create_table(
        "anonymised_registration",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column(
            "because",
            sa.Enum("account_deleted", "retention", name="anonymisation", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("anonymised_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_anonymised_registration_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_anonymised_registration")),
    )
    op.create_table(
        "event_retention",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_event_retention_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_retention")),
    )
    op.create_table(
        "privacy_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retention_months", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_settings")),
    )


def downgrade():
    op.drop_table("privacy_settings")
    op.drop_table("event_retention")
    op.drop_table("anonymised_registration")
    op.drop_index(op.f("ix_data_export_expires_at"), table_name="data_export")
    op.drop_table("data_export")
