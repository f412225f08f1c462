"""The organiser's choice of how to hear of what needs them: for all their events, and for each."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SubmitField

from .models import NoticeSettings, Timing

TIMING_LABELS = {
    Timing.AT_ONCE: _l("At once: one e-mail for each"),
    Timing.DAILY: _l("Once a day: one e-mail with everything new"),
    Timing.NEVER: _l("Never"),
}
AS_FOR_ALL = ""  # an event without a choice of its own


def timing_choices() -> list[SelectChoice]:
    return [SelectChoice(timing.value, label) for timing, label in TIMING_LABELS.items()]


class NoticeSettingsForm(FlaskForm):
    timing = SelectField(_l("For all my events"), choices=timing_choices)
    submit = SubmitField(_l("Save"))

    def chosen_timing(self) -> Timing:
        return Timing(self.timing.data)

    def chosen_per_event(self) -> dict[int, Timing | None]:
        return {
            event_id: Timing(self[name].data) if self[name].data != AS_FOR_ALL else None
            for event_id, name in self.event_fields.items()
        }


def event_field_name(event_id: int) -> str:
    return f"event_{event_id}"


def notice_settings_form(events, settings: NoticeSettings, per_event: dict[int, Timing]) -> NoticeSettingsForm:
    """The form with one field for each of ``events``, filled with the saved choices (a sent form
    keeps what was sent)."""

    class Form(NoticeSettingsForm):
        pass

    for event in events:
        setattr(
            Form,
            event_field_name(event.id),
            SelectField(
                event.title,
                choices=[SelectChoice(AS_FOR_ALL, _l("As for all my events")), *timing_choices()],
                default=AS_FOR_ALL,
            ),
        )
    data = {"timing": settings.timing.value}
    data.update({event_field_name(event_id): timing.value for event_id, timing in per_event.items()})
    form = Form(data=data)
    form.event_fields = {event.id: event_field_name(event.id) for event in events}
    return form
