"""A series' public page, and its organisers' pages to create and edit series."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import security
from ..extensions import db
from ..formtools import showing_errors
from . import bp, series
from .forms import KIND_LABELS
from .models import Series
from .reuse_forms import SeriesForm, series_data_from_form


def series_or_404(slug: str) -> Series:
    found = db.session.scalar(db.select(Series).where(Series.slug == slug))
    if found is None:
        abort(404)
    return found


@bp.get("/series/<slug>")
def show_series(slug):
    found = series_or_404(slug)
    return render_template(
        "events/series.html", series=found, events=series.public_events_of(found), kind_labels=KIND_LABELS
    )


@bp.get("/manage/series")
@login_required
def manage_series():
    security.require_create_events(current_user)
    return render_template("events/manage_series.html", series_list=series.editable_series(current_user))


@bp.route("/manage/series/new", methods=["GET", "POST"])
@login_required
def create_series():
    security.require_create_events(current_user)
    form = SeriesForm()
    if form.validate_on_submit():
        with showing_errors(form):
            created = series.create_series(current_user, series_data_from_form(form))
            flash(_("The series is saved."), "success")
            return redirect(url_for("events.show_series", slug=created.slug))
    return render_template("events/series_form.html", form=form, series=None)


@bp.route("/manage/series/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_series(slug):
    found = series_or_404(slug)
    if not security.can_edit_series(current_user, found):
        abort(403)
    form = SeriesForm()
    if request.method == "GET":
        form.process(obj=found)
    if form.validate_on_submit():
        with showing_errors(form):
            series.update_series(current_user, found.id, series_data_from_form(form))
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("events.show_series", slug=found.slug))
    return render_template("events/series_form.html", form=form, series=found)
