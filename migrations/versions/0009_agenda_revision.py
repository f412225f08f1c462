"""the agenda's revision

Revision ID: 0009
Revises: 0008
Create Date: 2027-01-18 09:00:00

A counter on each event that every change to the event, its sessions or its speakers raises: the
version that calendar applications and the programme's readers revalidate their copies against.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event") as batch_op:
        batch_op.add_column(sa.Column("agenda_revision", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("event") as batch_op:
        batch_op.drop_column("agenda_revision")
