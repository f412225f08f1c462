"""series of events, and events kept as templates

Revision ID: 0016
Revises: 0015
Create Date: 2027-02-20 10:00:00

A series groups events under a public page of its own; an event kept as a template is a draft that
new events are started from.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_series_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series")),
        sa.UniqueConstraint("slug", name=op.f("uq_series_slug")),
    )
    with op.batch_alter_table("series") as batch_op:
        batch_op.create_index(batch_op.f("ix_series_created_by_id"), ["created_by_id"], unique=False)
    with op.batch_alter_table("event") as batch_op:
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("is_template", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f("ix_event_series_id"), ["series_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_event_series_id_series"), "series", ["series_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("event") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_event_series_id_series"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_event_series_id"))
        batch_op.drop_column("is_template")
        batch_op.drop_column("series_id")
    with op.batch_alter_table("series") as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_created_by_id"))
    op.drop_table("series")
