"""personal API tokens

Revision ID: 0031
Revises: 0030
Create Date: 2027-04-01 12:00:00

An organiser's keys to the JSON API: named, for chosen events, to read or to read and write,
optionally until a day; stored as their SHA-256.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "personal_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("can_write", sa.Boolean(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_personal_token_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_personal_token_token_hash")),
    )
    op.create_index(op.f("ix_personal_token_user_id"), "personal_token", ["user_id"])
    op.create_table(
        "personal_token_event",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_personal_token_event_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["personal_token.id"],
            name=op.f("fk_personal_token_event_token_id_personal_token"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_id", "event_id", name=op.f("pk_personal_token_event")),
    )
    op.create_index(op.f("ix_personal_token_event_event_id"), "personal_token_event", ["event_id"])


def downgrade():
    op.drop_index(op.f("ix_personal_token_event_event_id"), table_name="personal_token_event")
    op.drop_table("personal_token_event")
    op.drop_index(op.f("ix_personal_token_user_id"), table_name="personal_token")
    op.drop_table("personal_token")
