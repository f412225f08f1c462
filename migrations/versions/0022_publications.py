"""publications: what organisers publish from an event, and their files

Revision ID: 0022
Revises: 0015
Create Date: 2027-03-01 10:00:00

The workshop report, press releases and materials published for the public or the participants,
each with its own copies of its files; the resource library lists the public ones.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("report", "press_release", "material", name="publicationkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "audience", sa.Enum("public", "participants", name="audience", native_enum=False, length=20), nullable=False
        ),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("dated", sa.Date(), nullable=False),
        sa.Column("languages", sa.String(length=40), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=True),
        sa.Column("material_version", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_publication_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["material_id"], ["material.id"], name=op.f("fk_publication_material_id_material"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["user.id"], name=op.f("fk_publication_published_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication")),
        sa.UniqueConstraint("event_id", "material_id", name=op.f("uq_publication_event_id")),
    )
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publication_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_publication_dated"), ["dated"], unique=False)

    op.create_table(
        "publication_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publication.id"],
            name=op.f("fk_publication_file_publication_id_publication"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_file")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_publication_file_storage_key")),
    )
    with op.batch_alter_table("publication_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publication_file_publication_id"), ["publication_id"], unique=False)


def downgrade():
    op.drop_table("publication_file")
    op.drop_table("publication")
