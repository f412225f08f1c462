"""invitations to an event's team

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-06 20:00:00

Organisers invite co-organisers, check-in staff and rapporteurs by e-mail address; an address
without an account gets an invitation, kept here until it is accepted or withdrawn.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "team_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column(
            "role",
            sa.Enum("organiser", "check_in_staff", "rapporteur", name="teamrole", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("session_ids", sa.String(length=1000), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_team_invitation_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["user.id"], name=op.f("fk_team_invitation_invited_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["user.id"], name=op.f("fk_team_invitation_accepted_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_invitation")),
    )
    with op.batch_alter_table("team_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_invitation_event_id"), ["event_id"], unique=False)


def downgrade():
    with op.batch_alter_table("team_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_invitation_event_id"))
    op.drop_table("team_invitation")
