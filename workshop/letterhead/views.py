"""The letterhead's settings page, reached from the certificates and from the visa letters: both
edit the same letterhead, each with its own fields beside it."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template

from ..events.models import Event
from ..formtools import mark_missing_files, showing_errors
from .forms import LetterheadForm
from .services import letterhead_of, missing_images


def settings_page(event: Event, form: LetterheadForm, save: Callable[[], object], saved: str, back: str, template: str):
    """Save ``form`` with ``save``, say ``saved`` and go ``back`` (an address); or show ``template``
    with what is wrong."""
    letterhead = letterhead_of(event)
    if form.validate_on_submit():
        with showing_errors(form):
            save()
            flash(saved, "success")
            return redirect(back)
    mark_missing_files(form, missing_images(letterhead))
    return render_template(template, event=event, form=form, letterhead=letterhead, back=back)
