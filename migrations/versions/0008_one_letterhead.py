"""one letterhead for certificates and visa letters

Revision ID: 0008
Revises: 0007
Create Date: 2027-01-11 09:00:00

The issuers, address, logos and signatories of an event's certificates and of its visa letters
become the event's one letterhead; the certificates keep their language, the letters the purpose of
the visit. Where an event had both, the letters' organisation heads the list of issuers (the
letters use the first), followed by the organisations the certificates named; the letters' logo
and signatory come first where there is room beside the certificates' (three logos, two
signatories), otherwise the letters take the certificates' first.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LOGOS = ("logo_1", "logo_2", "logo_3")
SIGNATORIES = (
    ("signatory_1_name", "signatory_1_title", "signature_1"),
    ("signatory_2_name", "signatory_2_title", "signature_2"),
)
CERTIFICATE_COLUMNS = ("issuers", *LOGOS, *(column for signatory in SIGNATORIES for column in signatory))
LETTER_COLUMNS = ("organisation", "address", "logo", "signatory_name", "signatory_title", "signature")


def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def merged(certificate, letter, partners):
    """The letterhead of one event from its certificate settings and its letter settings (either may
    be None), as a dict of columns; ``partners`` are the event's partners' names, in order."""
    row = dict.fromkeys(CERTIFICATE_COLUMNS, "")
    row["address"] = ""
    if certificate is not None:
        row.update({column: certificate[column] or "" for column in CERTIFICATE_COLUMNS})
    if letter is None:
        return row
    row["address"] = letter["address"] or ""
    organisation = (letter["organisation"] or "").strip()
    if organisation:
        shown = lines(row["issuers"]) or partners  # what the certificates named
        issuers = [organisation] + [name for name in shown if name != organisation]
        row["issuers"] = "" if issuers == partners else "\n".join(issuers)
    logos = [row[slot] for slot in LOGOS if row[slot]]
    if letter["logo"] and len(logos) < len(LOGOS):
        logos = [letter["logo"], *logos] + [""] * (len(LOGOS) - len(logos) - 1)
        row.update(zip(LOGOS, logos, strict=False))
    signatory = (letter["signatory_name"] or "", letter["signatory_title"] or "", letter["signature"] or "")
    first, second = ([row[column] for column in columns] for columns in SIGNATORIES)
    if any(signatory):
        if first[0] and first[0] == signatory[0]:  # the same person signs both
            first = [first[0], first[1] or signatory[1], first[2] or signatory[2]]
        elif not any(first):
            first = list(signatory)
        elif not any(second):
            first, second = list(signatory), first
        for columns, values in zip(SIGNATORIES, (first, second), strict=False):
            row.update(zip(columns, values, strict=False))
    return row


def upgrade():
    letterhead = op.create_table(
        "letterhead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("issuers", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("logo_1", sa.String(length=64), nullable=False),
        sa.Column("logo_2", sa.String(length=64), nullable=False),
        sa.Column("logo_3", sa.String(length=64), nullable=False),
        sa.Column("signatory_1_name", sa.String(length=200), nullable=False),
        sa.Column("signatory_1_title", sa.String(length=200), nullable=False),
        sa.Column("signature_1", sa.String(length=64), nullable=False),
        sa.Column("signatory_2_name", sa.String(length=200), nullable=False),
        sa.Column("signatory_2_title", sa.String(length=200), nullable=False),
        sa.Column("signature_2", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_letterhead_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letterhead")),
        sa.UniqueConstraint("event_id", name=op.f("uq_letterhead_event_id")),
    )

    connection = op.get_bind()
    certificates = {
        row.event_id: row._mapping for row in connection.execute(sa.text("SELECT * FROM certificate_settings"))
    }
    letters = {row.event_id: row._mapping for row in connection.execute(sa.text("SELECT * FROM letter_settings"))}
    partners = {}
    for event_id, name in connection.execute(sa.text("SELECT event_id, name FROM event_partner ORDER BY position, id")):
        partners.setdefault(event_id, []).append(name)
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for event_id in sorted(certificates.keys() | letters.keys()):
        row = merged(certificates.get(event_id), letters.get(event_id), partners.get(event_id, []))
        rows.append({"event_id": event_id, "updated_at": now, **row})
    if rows:
        op.bulk_insert(letterhead, rows)

    with op.batch_alter_table("certificate_settings", schema=None) as batch_op:
        for column in CERTIFICATE_COLUMNS:
            batch_op.drop_column(column)
    with op.batch_alter_table("letter_settings", schema=None) as batch_op:
        for column in LETTER_COLUMNS:
            batch_op.drop_column(column)


def downgrade():
    with op.batch_alter_table("certificate_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issuers", sa.Text(), nullable=False, server_default=""))
        for column in CERTIFICATE_COLUMNS[1:]:
            length = 200 if column.startswith("signatory_") else 64
            batch_op.add_column(sa.Column(column, sa.String(length=length), nullable=False, server_default=""))
    with op.batch_alter_table("letter_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("address", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("logo", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("signatory_name", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("signatory_title", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("signature", sa.String(length=64), nullable=False, server_default=""))

    connection = op.get_bind()
    for table, own in (("certificate_settings", "bilingual"), ("letter_settings", "purpose")):
        connection.execute(
            sa.text(
                f"INSERT INTO {table} (event_id, {own}, updated_at) SELECT event_id, :empty, updated_at FROM "
                "letterhead "
                f"WHERE event_id NOT IN (SELECT event_id FROM {table})"
            ),
            {"empty": False if own == "bilingual" else ""},
        )
    for row in connection.execute(sa.text("SELECT * FROM letterhead")).mappings().all():
        values = {column: row[column] for column in CERTIFICATE_COLUMNS}
        connection.execute(
            sa.text(
                "UPDATE certificate_settings SET "
                f"{', '.join(f'{column} = :{column}' for column in CERTIFICATE_COLUMNS)} "
                "WHERE event_id = :event_id"
            ),
            {**values, "event_id": row["event_id"]},
        )
        connection.execute(
            sa.text(
                "UPDATE letter_settings SET organisation = :organisation, address = :address, logo = :logo, "
                "signatory_name = :name, signatory_title = :title, signature = :signature WHERE event_id = :event_id"
            ),
            {
                "organisation": (lines(row["issuers"]) or [""])[0],
                "address": row["address"],
                "logo": row["logo_1"],
                "name": row["signatory_1_name"],
                "title": row["signatory_1_title"],
                "signature": row["signature_1"],
                "event_id": row["event_id"],
            },
        )

    for table, columns in (("certificate_settings", CERTIFICATE_COLUMNS), ("letter_settings", LETTER_COLUMNS)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, server_default=None)
    op.drop_table("letterhead")
