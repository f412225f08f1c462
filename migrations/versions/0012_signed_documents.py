"""signed documents keep what they were signed with

Revision ID: 0012
Revises: 0009
Create Date: 2027-01-25 09:00:00

Issued certificates keep the event and letterhead they were issued with, approved visa letters what
they were approved with (the participant's organisation and position, the event, the letterhead,
the purpose), as JSON beside them; the logos and signatures they show are copied into
``signed_image`` by the SHA-256 of their content. Certificates issued and letters approved before
keep the values of the moment of the upgrade, the closest there is to those they were drawn with.
An image whose file is already gone is named by a SHA-256 that is not kept: the document then
asks to be re-issued or approved again rather than being drawn without it.
"""

import hashlib
import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from flask import current_app

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None

LOGOS = ("logo_1", "logo_2", "logo_3")
SIGNATORIES = (
    ("signatory_1_name", "signatory_1_title", "signature_1"),
    ("signatory_2_name", "signatory_2_title", "signature_2"),
)
GONE = "0" * 64
SIGNED_IMAGE = sa.table(
    "signed_image",
    sa.column("sha256", sa.String()),
    sa.column("data", sa.LargeBinary()),
    sa.column("created_at", sa.DateTime()),
)  # the SHA-256 of no kept image


def upgrade():
    op.create_table(
        "signed_image",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_signed_image")),
    )
    with op.batch_alter_table("certificate") as batch_op:
        batch_op.add_column(sa.Column("issued_as_json", sa.Text(), server_default="{}", nullable=False))
    with op.batch_alter_table("letter_request") as batch_op:
        batch_op.add_column(sa.Column("approved_as_json", sa.Text(), server_default="", nullable=False))
    keep_what_was_signed(op.get_bind())


def downgrade():
    with op.batch_alter_table("letter_request") as batch_op:
        batch_op.drop_column("approved_as_json")
    with op.batch_alter_table("certificate") as batch_op:
        batch_op.drop_column("issued_as_json")
    op.drop_table("signed_image")


# --- the values of now, for what was signed before ------------------------------------------------


def aware(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class Images:
    """Copies the files of the upload directory into signed_image, once each."""

    def __init__(self, connection):
        self.connection = connection
        self.root = Path(current_app.config["UPLOAD_DIR"])
        self.by_key: dict[str, str] = {}

    def sha(self, key: str) -> str:
        if not key:
            return ""
        if key not in self.by_key:
            try:
                data = (self.root / key).read_bytes()
            except OSError:
                self.by_key[key] = GONE
                return GONE
            sha = hashlib.sha256(data).hexdigest()
            kept = self.connection.execute(sa.text("SELECT 1 FROM signed_image WHERE sha256 = :sha"), {"sha": sha})
            if kept.first() is None:
                self.connection.execute(
                    SIGNED_IMAGE.insert().values(
                        sha256=sha, data=data, created_at=datetime.now(UTC).replace(tzinfo=None)
                    )
                )
            self.by_key[key] = sha
        return self.by_key[key]


def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def as_json(values: dict) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def event_values(connection, event_id: int, images: Images) -> dict:
    event = connection.execute(sa.text("SELECT * FROM event WHERE id = :id"), {"id": event_id}).mappings().one()
    letterhead = (
        connection.execute(sa.text("SELECT * FROM letterhead WHERE event_id = :id"), {"id": event_id})
        .mappings()
        .first()
    )
    partners = connection.execute(
        sa.text("SELECT name FROM event_partner WHERE event_id = :id ORDER BY position, id"), {"id": event_id}
    ).scalars()
    letterhead = dict(letterhead) if letterhead is not None else {}
    zone = ZoneInfo(event["timezone"])
    starts, ends = aware(event["starts_at"]).astimezone(zone), aware(event["ends_at"]).astimezone(zone)
    last_day = ends.date()
    if ends.time() == time(0) and ends > starts:  # what ends at midnight ended the day before
        last_day -= timedelta(days=1)
    return {
        "event": dict(event),
        "letterhead": letterhead,
        "issuers": lines(letterhead.get("issuers")) or list(partners),
        "first_day": starts.date().isoformat(),
        "end_day": ends.date().isoformat(),
        "last_day": last_day.isoformat(),
        "images": {slot: images.sha(letterhead.get(slot) or "") for slot in (*LOGOS, "signature_1", "signature_2")},
    }


def certificate_json(values: dict) -> str:
    event, letterhead, images = values["event"], values["letterhead"], values["images"]
    return as_json(
        {
            "title": event["title"],
            "first_day": values["first_day"],
            "last_day": values["end_day"],
            "venue": event["venue"] or "",
            "city": event["city"] or "",
            "country": event["country"] or "",
            "issuers": values["issuers"],
            "logos": [images[slot] for slot in LOGOS if images[slot]],
            "signatories": [
                [letterhead[name], letterhead.get(title) or "", images[slot]]
                for name, title, slot in SIGNATORIES
                if letterhead.get(name)
            ],
        }
    )


def letter_json(connection, values: dict, registration) -> str:
    event, letterhead, images = values["event"], values["letterhead"], values["images"]
    purpose = connection.execute(
        sa.text("SELECT purpose FROM letter_settings WHERE event_id = :id"), {"id": event["id"]}
    ).scalar()
    native = registration["native_name"] if registration["native_name"] != registration["full_name"] else ""
    return as_json(
        {
            "organisation": next(iter(values["issuers"]), ""),
            "address": lines(letterhead.get("address")),
            "logo": images["logo_1"],
            "signatory_name": letterhead.get("signatory_1_name") or "",
            "signatory_title": letterhead.get("signatory_1_title") or "",
            "signature": images["signature_1"],
            "native_name": native or "",
            "participant_organisation": registration["organisation"],
            "job_title": registration["job_title"] or "",
            "event_title": event["title"],
            "first_day": values["first_day"],
            "last_day": values["last_day"],
            "venue": event["venue"] or "",
            "city": event["city"] or "",
            "country": event["country"] or "",
            "purpose": purpose or event["summary"] or "",
            "contact_email": event["contact_email"] or "",
        }
    )


def keep_what_was_signed(connection) -> None:
    images = Images(connection)
    events: dict[int, dict] = {}

    def of_event(event_id: int) -> dict:
        if event_id not in events:
            events[event_id] = event_values(connection, event_id, images)
        return events[event_id]

    certificates = connection.execute(
        sa.text("SELECT c.id, r.event_id FROM certificate c JOIN registration r ON r.id = c.registration_id")
    ).all()
    for certificate_id, event_id in certificates:
        connection.execute(
            sa.text("UPDATE certificate SET issued_as_json = :kept WHERE id = :id"),
            {"kept": certificate_json(of_event(event_id)), "id": certificate_id},
        )
    letters = connection.execute(
        sa.text(
            "SELECT l.id, r.event_id, r.full_name, r.native_name, r.organisation, r.job_title FROM letter_request l "
            "JOIN registration r ON r.id = l.registration_id WHERE l.status = 'approved'"
        )
    ).mappings()
    for letter in list(letters):
        connection.execute(
            sa.text("UPDATE letter_request SET approved_as_json = :kept WHERE id = :id"),
            {"kept": letter_json(connection, of_event(letter["event_id"]), letter), "id": letter["id"]},
        )
