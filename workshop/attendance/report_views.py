"""Attendance statistics and the certificate rule (the event's organisers only), the attendance
matrix as XLSX, and a participant's own eligibility on their registration page."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_login import current_user

from .. import security
from ..audit.recording import record_download
from ..downloads import NOT_SHARED, XLSX, document
from ..formtools import showing_errors
from ..lookups import acting_user, managed_event
from ..registration.models import Registration
from . import bp, eligibility, statistics
from .rule_forms import CertificateRuleForm

FILTERS = ("eligible", "not_eligible")


def percent_label(rate: float | None) -> str:
    return "–" if rate is None else format_percent(rate)


@bp.get("/manage/events/<slug>/attendance", endpoint="statistics")
@managed_event
def statistics_page(event):
    attendance = statistics.event_attendance(event)
    rule = eligibility.rule_of(event.id)
    verdicts = eligibility.judge_all(rule, attendance)
    shown = request.args.get("show", "")
    shown = shown if shown in FILTERS else ""
    sort = request.args.get("sort", "name")
    sort = sort if sort in statistics.SORTS else "name"
    participants = statistics.sorted_participants(attendance.participants, sort)
    if shown:
        participants = [p for p in participants if verdicts[p.registration.id].eligible == (shown == "eligible")]
    eligible_count = sum(1 for v in verdicts.values() if v.eligible)
    return render_template(
        "attendance/statistics.html",
        event=event,
        attendance=attendance,
        participants=participants,
        verdicts=verdicts,
        rule=rule,
        rule_text=eligibility.describe_rule(rule),
        time_slots_explained=eligibility.TIME_SLOTS_EXPLAINED,
        eligible_count=eligible_count,
        shown=shown,
        sort=sort,
        percent=percent_label,
        hours=statistics.hours_label,
    )


@bp.get("/manage/events/<slug>/attendance.xlsx", endpoint="matrix_xlsx")
@managed_event
def matrix_xlsx(event):
    attendance = statistics.event_attendance(event)
    rule = eligibility.rule_of(event.id)
    verdicts = eligibility.judge_all(rule, attendance) if rule is not None else None
    body = statistics.matrix_xlsx(attendance, _("Attendance"), verdicts)
    record_download("attendance_matrix", event_id=event.id, summary=statistics.matrix_filename(event))
    return document(body, statistics.matrix_filename(event), XLSX, cache=NOT_SHARED)


@bp.route("/manage/events/<slug>/certificate-rule", methods=["GET", "POST"], endpoint="rule")
@managed_event
def rule_page(event):
    current = eligibility.rule_of(event.id)
    form = CertificateRuleForm()
    if request.method == "GET" and current is not None:
        form.min_percent.data, form.min_hours.data = current.min_percent, current.min_hours
    if form.validate_on_submit():
        with showing_errors(form):
            saved = eligibility.set_rule(acting_user(), event, form.min_percent.data, form.min_hours.data)
            if saved is None:
                flash(
                    _("The certificate rule is removed: nobody is eligible for a certificate until a rule is set."),
                    "warning",
                )
            else:
                flash(_("The certificate rule is saved."), "success")
            return redirect(url_for("attendance.statistics", slug=event.slug))
    programme = statistics.programme_of(statistics.counting_sessions(event.id))
    return render_template(
        "attendance/rule.html",
        event=event,
        form=form,
        rule_text=eligibility.describe_rule(current),
        time_slots_explained=eligibility.TIME_SLOTS_EXPLAINED,
        session_count=len(programme.sessions),
        slot_count=len(programme.slots),
        total_hours=statistics.hours_label(programme.total_seconds / 3600),
    )


@bp.app_template_global()
def my_eligibility(registration: Registration):
    """For the participant's own registration page: their eligibility for a certificate, or None
    (not confirmed, no rule, the event has not started, or not the viewer's registration)."""
    if registration is None or not security.is_signed_in(current_user) or registration.user_id != current_user.id:
        return None
    return eligibility.for_participant(registration)
