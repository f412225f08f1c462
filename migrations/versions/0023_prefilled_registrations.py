"""a participant's agreement that their sex and needs fill in their next registrations

Revision ID: 0023
Revises: 0015
Create Date: 2027-03-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(
            sa.Column("prefills_personal_details", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("prefills_personal_details")
