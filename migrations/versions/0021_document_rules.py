"""rules of an event's visa letters, and where its letters are signed

Revision ID: 0021
Revises: 0015
Create Date: 2027-03-01 10:00:00

Each event's visa letters say how many months after the event a passport must still be valid, and
the prefix of their references (empty: derived from the event); the letterhead says where the
letters are signed. Letters approved before keep their references.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("letter_settings") as batch_op:
        batch_op.add_column(sa.Column("passport_months", sa.Integer(), server_default="6", nullable=False))
        batch_op.add_column(sa.Column("reference_prefix", sa.String(length=20), server_default="", nullable=False))
    with op.batch_alter_table("letterhead") as batch_op:
        batch_op.add_column(sa.Column("place_of_signature", sa.String(length=200), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("letterhead") as batch_op:
        batch_op.drop_column("place_of_signature")
    with op.batch_alter_table("letter_settings") as batch_op:
        batch_op.drop_column("reference_prefix")
        batch_op.drop_column("passport_months")
