import hashlib
import json
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import DateTime, MetaData, Table, bindparam, text

from workshop.extensions import db

from .conftest import reset_schema


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def empty_database() -> None:
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def test_the_migrations_from_empty_give_the_schema_of_the_models(app):
    empty_database()
    upgrade()
    assert schema_differences() == []


def test_the_migrations_go_down_to_empty_and_up_again(app):
    empty_database()
    upgrade()
    downgrade(revision="base")
    upgrade()
    assert schema_differences() == []
    reset_schema()


# --- one letterhead from the certificates' and the letters' settings -------------------------------

CERTIFICATE_SETTINGS = (
    "issuers",
    "logo_1",
    "logo_2",
    "logo_3",
    "signatory_1_name",
    "signatory_1_title",
    "signature_1",
    "signatory_2_name",
    "signatory_2_title",
    "signature_2",
)
LETTER_SETTINGS = ("organisation", "address", "logo", "purpose", "signatory_name", "signatory_title", "signature")


def insert(table: str, **values) -> None:
    values = {"updated_at": datetime(2026, 12, 1), **values}
    with db.engine.begin() as connection:
        statement = text(
            f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join(':' + name for name in values)})"
        )
        connection.execute(statement.bindparams(bindparam("updated_at", type_=DateTime())), values)


def certificate_settings(event_id: int, bilingual=False, **values) -> None:
    insert(
        "certificate_settings",
        event_id=event_id,
        bilingual=bilingual,
        **{**dict.fromkeys(CERTIFICATE_SETTINGS, ""), **values},
    )


def letter_settings(event_id: int, **values) -> None:
    insert("letter_settings", event_id=event_id, **{**dict.fromkeys(LETTER_SETTINGS, ""), **values})


def letterhead_of(event_id: int) -> dict:
    with db.engine.connect() as connection:
        return dict(
            connection.execute(text("SELECT * FROM letterhead WHERE event_id = :id"), {"id": event_id}).mappings().one()
        )


def insert_as_then(table: str, **values) -> int:
    """A row written with the table's columns as the database has them now, not as the models say."""
    with db.engine.begin() as connection:
        then = Table(table, MetaData(), autoload_with=connection)
        return connection.execute(then.insert().values(**values)).inserted_primary_key[0]


@pytest.fixture
def before_one_letterhead(app):
    """The database as it was when certificates and letters each had their own settings; makes an
    event and returns its id, with no transaction left open to hold up the migrations."""
    empty_database()
    upgrade(revision="0007")
    numbers = iter(range(1, 100))

    def event_id(partners=()) -> int:
        n = next(numbers)
        moment = datetime(2027, 3, 1, 9, 0)
        made = insert_as_then(
            "event",
            slug=f"event-{n}",
            kind="workshop",
            status="published",
            title=f"Workshop number {n}",
            summary="",
            description="",
            venue="",
            city="",
            country="",
            timezone="UTC",
            starts_at=moment,
            ends_at=moment,
            approval_required=False,
            contact_email="",
            created_at=moment,
            updated_at=moment,
        )
        for position, name in enumerate(partners):
            insert_as_then("event_partner", event_id=made, name=name, position=position)
        return made

    yield event_id
    reset_schema()


def test_an_event_with_both_settings_gets_one_letterhead_that_keeps_what_each_document_showed(
    app, before_one_letterhead
):
    event = before_one_letterhead(partners=["China Policy Institute", "ILO"])
    certificate_settings(
        event,
        bilingual=True,
        issuers="ILO\nMinistry of Human Resources",
        logo_1="c1",
        logo_2="c2",
        signatory_1_name="Chang-Hee Lee",
        signatory_1_title="Director",
        signature_1="s1",
    )
    letter_settings(
        event,
        organisation="International Labour Organization",
        address="Route des Morillons 4\nGeneva",
        logo="l1",
        purpose="To learn.",
        signatory_name="Catherine Shaw",
        signatory_title="Programme Officer",
        signature="s2",
    )

    upgrade(revision="0008")

    letterhead = letterhead_of(event)
    assert letterhead["issuers"] == "International Labour Organization\nILO\nMinistry of Human Resources"
    assert letterhead["address"] == "Route des Morillons 4\nGeneva"
    assert (letterhead["logo_1"], letterhead["logo_2"], letterhead["logo_3"]) == ("l1", "c1", "c2")
    assert (letterhead["signatory_1_name"], letterhead["signatory_1_title"], letterhead["signature_1"]) == (
        "Catherine Shaw",
        "Programme Officer",
        "s2",
    )
    assert (letterhead["signatory_2_name"], letterhead["signatory_2_title"], letterhead["signature_2"]) == (
        "Chang-Hee Lee",
        "Director",
        "s1",
    )
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT bilingual FROM certificate_settings")).scalar_one()
        assert connection.execute(text("SELECT purpose FROM letter_settings")).scalar_one() == "To learn."

    downgrade(revision="0007")

    with db.engine.connect() as connection:
        letter = connection.execute(text("SELECT * FROM letter_settings")).mappings().one()
    assert (
        letter["organisation"],
        letter["logo"],
        letter["signatory_name"],
        letter["signature"],
        letter["purpose"],
    ) == ("International Labour Organization", "l1", "Catherine Shaw", "s2", "To learn.")


def test_a_letterhead_from_the_letters_alone_keeps_the_partners_the_certificates_named(app, before_one_letterhead):
    partnered = before_one_letterhead(partners=["China Policy Institute", "ILO"])
    first_partner = before_one_letterhead(partners=["ILO", "IOM"])
    letter_settings(partnered, organisation="ILO", signatory_name="Catherine Shaw", signature="s1")
    letter_settings(first_partner, organisation="ILO", logo="l1", signatory_name="Catherine Shaw", signature="s2")
    certificate_settings(first_partner, signatory_1_name="Catherine Shaw", signatory_1_title="Programme Officer")

    upgrade(revision="0008")

    assert letterhead_of(partnered)["issuers"] == "ILO\nChina Policy Institute"
    assert (
        letterhead_of(partnered)["signatory_1_name"] == "Catherine Shaw"
        and letterhead_of(partnered)["signature_1"] == "s1"
    )
    same = letterhead_of(first_partner)
    assert same["issuers"] == ""  # still the event's partners, and the first heads the letters
    assert (same["logo_1"], same["signatory_1_name"], same["signatory_1_title"], same["signature_1"]) == (
        "l1",
        "Catherine Shaw",
        "Programme Officer",
        "s2",
    )
    assert same["signatory_2_name"] == ""  # the same person signs both


# --- signed documents keep what they were signed with --------------------------------------------


def test_certificates_and_letters_signed_before_keep_the_values_of_the_upgrade_and_their_images(app):
    empty_database()
    upgrade(revision="0009")
    moment = datetime(2027, 3, 1, 1, 0)  # 09:00 in Beijing
    try:
        logo = b"\x89PNG a logo"
        (Path(app.config["UPLOAD_DIR"])).mkdir(exist_ok=True)
        (Path(app.config["UPLOAD_DIR"]) / "a1").write_bytes(logo)
        user = insert_as_then(
            "user",
            email="li@example.org",
            password_hash="x",
            full_name="Li Wei",
            native_name="李伟",
            locale="zh",
            is_admin=False,
            can_create_events=False,
            session_version=1,
            created_at=moment,
        )
        event = insert_as_then(
            "event",
            slug="forum",
            kind="workshop",
            status="published",
            title="Migration Forum",
            summary="Two days on migration.",
            description="",
            venue="Friendship Hotel",
            city="Beijing",
            country="CN",
            timezone="Asia/Shanghai",
            starts_at=moment,
            ends_at=moment.replace(day=3),
            approval_required=False,
            contact_email="forum@example.org",
            created_at=moment,
            updated_at=moment,
        )
        insert_as_then("event_partner", event_id=event, name="ILO", position=0)
        insert_as_then(
            "letterhead",
            event_id=event,
            issuers="",
            address="Tayuan Diplomatic Office\nBeijing",
            logo_1="a1",
            logo_2="gone",
            logo_3="",
            signatory_1_name="Chang-Hee Lee",
            signatory_1_title="Director",
            signature_1="",
            signatory_2_name="",
            signatory_2_title="",
            signature_2="",
            updated_at=moment,
        )
        registration = insert_as_then(
            "registration",
            event_id=event,
            user_id=user,
            state="confirmed",
            full_name="Li Wei",
            native_name="李伟",
            organisation="MOHRSS",
            organisation_type="government",
            country="CN",
            sex="male",
            job_title="Deputy Director",
            dietary_needs="",
            accessibility_needs="",
            visa_letter_needed=True,
            listed_publicly=False,
            privacy_accepted_at=moment,
            created_at=moment,
            updated_at=moment,
        )
        insert_as_then(
            "certificate",
            registration_id=registration,
            code="0" * 20,
            holder_name="Li Wei",
            holder_native_name="李伟",
            sessions_attended=2,
            sessions_counted=2,
            seconds_attended=3600,
            bilingual=False,
            issued_at=moment,
            override_reason="",
            revoke_reason="",
        )
        insert_as_then(
            "letter_request",
            registration_id=registration,
            status="approved",
            passport_name="LI WEI",
            passport_number="E12345678",
            nationality="CN",
            issuing_authority="NIA",
            consulate="Embassy",
            reference="FORUM-V-0001",
            decided_at=moment,
            decision_note="",
            created_at=moment,
            updated_at=moment,
        )

        upgrade(revision="0012")

        with db.engine.connect() as connection:
            issued = json.loads(connection.execute(text("SELECT issued_as_json FROM certificate")).scalar_one())
            approved = json.loads(connection.execute(text("SELECT approved_as_json FROM letter_request")).scalar_one())
            kept = dict(connection.execute(text("SELECT sha256, data FROM signed_image")).all())
        sha = hashlib.sha256(logo).hexdigest()
        assert kept == {sha: logo}
        assert issued["title"] == "Migration Forum" and issued["issuers"] == ["ILO"]
        assert (issued["first_day"], issued["last_day"], issued["city"]) == ("2027-03-01", "2027-03-03", "Beijing")
        assert issued["logos"][0] == sha and issued["logos"][1] not in kept  # a file already gone: re-issue
        assert issued["signatories"] == [["Chang-Hee Lee", "Director", ""]]
        assert (approved["participant_organisation"], approved["job_title"]) == ("MOHRSS", "Deputy Director")
        assert (approved["organisation"], approved["logo"], approved["purpose"]) == (
            "ILO",
            sha,
            "Two days on migration.",
        )
        assert approved["address"] == ["Tayuan Diplomatic Office", "Beijing"]
    finally:
        reset_schema()
