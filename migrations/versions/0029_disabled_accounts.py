"""accounts an administrator disabled, and when a confirmation link was last sent

Revision ID: 0029
Revises: 0025
Create Date: 2027-04-02 10:00:00

A disabled account cannot log in; the time of the last confirmation link lets an administrator
re-send it without flooding the person's mailbox.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0029"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("verification_sent_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("verification_sent_at")
        batch_op.drop_column("disabled_at")
