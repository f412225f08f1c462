"""a revision of each event's registrations

Revision ID: 0015
Revises: 0014
Create Date: 2027-02-08 10:00:00

Every change to an event's registrations, or to the e-mail address of someone registered and its
confirmation, raises the event's counter; the organisers' list of registrations is kept under it.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event") as batch_op:
        batch_op.add_column(sa.Column("registrations_revision", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("event") as batch_op:
        batch_op.drop_column("registrations_revision")
