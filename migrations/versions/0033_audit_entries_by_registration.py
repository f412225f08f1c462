"""the registration each entry of the record is about

Revision ID: 0033
Revises: 0032
Create Date: 2027-04-02 10:00:00

So that anonymising a registration (an account deleted, an event's retention period over) erases
the values the record keeps about it, found by an index rather than by reading every entry.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(sa.Column("registration_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_audit_entry_registration_id"), ["registration_id"])


def downgrade():
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_index(batch.f("ix_audit_entry_registration_id"))
        batch.drop_column("registration_id")
