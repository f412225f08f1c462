"""places held by visitors until they confirm their e-mail address

Revision ID: 0013
Revises: 0012
Create Date: 2027-01-25 10:00:00

Each event says how many hours a visitor's registration holds its place before the e-mail address
is confirmed (24 by default); each registration made with an unconfirmed address keeps its
deadline. Registrations made before have none and are never released.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event") as batch_op:
        batch_op.add_column(sa.Column("visitor_confirmation_hours", sa.Integer(), server_default="24", nullable=False))
    with op.batch_alter_table("registration") as batch_op:
        batch_op.add_column(sa.Column("confirm_email_by", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_registration_confirm_email_by"), ["confirm_email_by"], unique=False)


def downgrade():
    with op.batch_alter_table("registration") as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_confirm_email_by"))
        batch_op.drop_column("confirm_email_by")
    with op.batch_alter_table("event") as batch_op:
        batch_op.drop_column("visitor_confirmation_hours")
