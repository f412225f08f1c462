"""What the log's actions and kinds of objects are called, in the reader's language."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "created": _l("created"),
    "changed": _l("changed"),
    "deleted": _l("deleted"),
    "downloaded": _l("downloaded"),
    "log_change_refused": _l("tried to change the log (refused)"),
    "log_purged": _l("deleted old log entries"),
    "account.confirmation_resend_refused": _l("sending the confirmation link again (refused)"),
    "account.deleted": _l("deleted their account"),
    "account.deletion_refused": _l("tried to delete their account (refused)"),
    "account.last_admin_refused": _l("tried to leave the platform without an administrator (refused)"),
    "account.self_disable_refused": _l("tried to disable their own account (refused)"),
    "api.body_refused": _l("sent the API data it refused"),
    "api.change_refused": _l("asked the API for a change the rules refuse"),
    "api.header_refused": _l("sent the API a header it refused"),
    "api.query_refused": _l("asked the API with parameters it refused"),
    "api.token_refused": _l("used an API token that was refused"),
    "personal_data.downloaded": _l("downloaded their own data"),
    "personal_data.export_refused": _l("asked for their data again while it was prepared (refused)"),
    "personal_data.export_requested": _l("asked for a copy of their data"),
    "personal_data.exported": _l("exported personal data through the API"),
    "privacy_notice.refused": _l("saved a privacy notice with parts missing (refused)"),
    # Older entries only: a decision through the API is now the registration's own "changed" entry
    "registration.decided": _l("decided on a registration through the API"),
    "registration.refused_outdated_privacy_notice": _l("registered after the privacy notice changed (refused)"),
    "registration.refused_without_consent": _l("registered without agreeing to the privacy notice (refused)"),
    "retention.anonymisation_started": _l("started anonymising personal data after the retention period"),
    "retention.default_refused": _l("set a retention default out of range (refused)"),
    "retention.period_refused": _l("set a retention period out of range (refused)"),
}

OBJECT_LABELS = {
    "Event": _l("event"),
    "EventPartner": _l("partner organisation"),
    "Series": _l("series"),
    "AgendaSession": _l("agenda session"),
    "Speaker": _l("speaker"),
    "SessionSpeaker": _l("speaker's role in a session"),
    "Registration": _l("registration"),
    "Answer": _l("answer to a registration question"),
    "Question": _l("registration question"),
    "Attendance": _l("attendance mark"),
    "SessionCode": _l("self check-in code"),
    "ApiToken": _l("scanner device"),
    "CertificateRule": _l("certificate rule"),
    "CertificateSettings": _l("certificate settings"),
    "Certificate": _l("certificate"),
    "LetterSettings": _l("visa letter settings"),
    "LetterRequest": _l("visa letter"),
    "Letterhead": _l("letterhead"),
    "TeamInvitation": _l("team invitation"),
    "MessageTemplate": _l("message template"),
    "ParticipantMessage": _l("message to participants"),
    "Material": _l("material"),
    "MaterialVersion": _l("version of a material"),
    "Publication": _l("publication"),
    "PublicationFile": _l("file of a publication"),
    "ReportSection": _l("report section"),
    "SessionSummary": _l("session summary"),
    "Evaluation": _l("evaluation"),
    "EvaluationQuestion": _l("evaluation question"),
    "NoticeSettings": _l("notice settings"),
    "EventNoticeTiming": _l("notice timing"),
    "User": _l("user account"),
    "PrivacyNotice": _l("privacy notice"),
    "PersonalToken": _l("personal API token"),
    "EventRetention": _l("retention period"),
    "PrivacySettings": _l("platform privacy settings"),
    "DataExport": _l("export of a person's data"),
    "CheckInStaff": _l("check-in staff member"),
    "AuditEntry": _l("audit log"),
    "registration_list": _l("list of registrations"),
    "evaluation_results": _l("evaluation results"),
    "attendance_matrix": _l("attendance sheet"),
    "badges": _l("badges"),
    "certificates": _l("all certificates (PDF or ZIP)"),
    "report": _l("workshop report"),
    "certificate_pdf": _l("certificate (PDF)"),
    "letter_pdf": _l("visa letter (PDF)"),
    "api_registrations": _l("page of registrations (API)"),
    "api_registration": _l("registration (API)"),
    "api_attendance": _l("page of attendance marks (API)"),
    "api_certificates": _l("list of certificates (API)"),
}

# The fields the log shows most, by the names their forms give them; any other by its own name.
FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "description": _l("Description"),
    "venue": _l("Venue"),
    "city": _l("City"),
    "country": _l("Country"),
    "timezone": _l("Time zone"),
    "starts_at": _l("Starts"),
    "ends_at": _l("Ends"),
    "registration_opens_at": _l("Registration opens"),
    "registration_closes_at": _l("Registration closes"),
    "capacity": _l("Capacity"),
    "contact_email": _l("Contact e-mail"),
    "full_name": _l("Full name"),
    "native_name": _l("Name in your own script"),
    "organisation": _l("Organisation"),
    "sex": _l("Sex"),
    "job_title": _l("Position"),
    "dietary_needs": _l("Dietary needs"),
    "accessibility_needs": _l("Accessibility needs"),
    "visa_letter_needed": _l("Visa letter needed"),
    "status": _l("Status"),
    "state": _l("State"),
    "kind": _l("Kind"),
    "name": _l("Name"),
    "email": _l("E-mail address"),
    "present": _l("Present"),
    "session_id": _l("Session"),
    "room": _l("Room"),
    "track": _l("Track"),
    "affiliation": _l("Affiliation"),
    "biography": _l("Biography"),
    "role": _l("Role"),
    "organisers": _l("Organiser"),
    "password_hash": _l("Password"),
    "locale": _l("Language"),
    "subject": _l("Subject"),
    "text": _l("Message"),
    "event_id": _l("Event"),
    "speaker_id": _l("Speaker"),
    "registration_id": _l("Registration"),
    "is_admin": _l("Administrator"),
    "can_create_events": _l("May create events"),
    "passport_number": _l("Passport number"),
}


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def actor_label(label: str) -> str:
    """Who did it: a person as recorded (their e-mail address), with the API token they used if
    they used one, or the system, a visitor, a device..."""
    from .recording import DEVICE_PREFIX, SYSTEM, THROUGH_API_TOKEN, VISITOR
    from .retention import ANONYMISED_PARTICIPANT, DELETED_ACCOUNT

    if label.startswith(DEVICE_PREFIX):
        return _("scanner device “%(name)s”", name=label.removeprefix(DEVICE_PREFIX))
    through_token = THROUGH_API_TOKEN.fullmatch(label)
    if through_token:
        person, name = through_token["person"], through_token["token"]
        return _("%(person)s, with the API token “%(name)s”", person=person, name=name)
    named = {
        SYSTEM.label: _("the system"),
        VISITOR: _("a visitor"),
        DELETED_ACCOUNT: _("a deleted account"),
        ANONYMISED_PARTICIPANT: _("an anonymised participant"),
    }
    return str(named.get(label, label))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def object_label(object_type: str | None) -> str:
    if not object_type:
        return ""
    return str(OBJECT_LABELS.get(object_type, object_type))


# What refusals and long tasks say of themselves, as recorded; shown in the reader's language.
SUMMARY_LABELS = {
    "wrong password": _l("wrong password"),
    "only organiser of an event": _l("only organiser of an event"),
    "an export is already being prepared": _l("an export is already being prepared"),
}
SUMMARY_PATTERNS = (
    (re.compile(r"(?P<count>\d+) months"), lambda count: _("%(count)d months", count=int(count))),
    (
        re.compile(r"(?P<count>\d+) registrations to anonymise"),
        lambda count: _("%(count)d registrations to anonymise", count=int(count)),
    ),
)


def summary_label(summary: str) -> str:
    if summary in SUMMARY_LABELS:
        return str(SUMMARY_LABELS[summary])
    for pattern, label in SUMMARY_PATTERNS:
        found = pattern.fullmatch(summary)
        if found:
            return label(**found.groupdict())
    return summary
