"""the record of who did what

Revision ID: 0025
Revises: 0024
Create Date: 2027-04-01 10:00:00

One table for every change by a person or the system and every reading of personal data that leaves
the product: who, from where, when, on what, and each changed field before and after.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=60), nullable=True),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    op.create_index("ix_audit_entry_event_at", "audit_entry", ["event_id", "at"])
    op.create_index("ix_audit_entry_actor_at", "audit_entry", ["actor_id", "at"])
    op.create_index(op.f("ix_audit_entry_at"), "audit_entry", ["at"])


def downgrade():
    op.drop_index(op.f("ix_audit_entry_at"), table_name="audit_entry")
    op.drop_index("ix_audit_entry_actor_at", table_name="audit_entry")
    op.drop_index("ix_audit_entry_event_at", table_name="audit_entry")
    op.drop_table("audit_entry")
