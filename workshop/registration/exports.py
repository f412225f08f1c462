"""CSV and XLSX exports of an event's registrations, with the columns the organiser chose.

Every text cell that a spreadsheet would read as a formula (it begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) gets a leading ``'``, so a participant's answer can
never run as a formula on an organiser's computer.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from ..countries import country_names
from ..events.models import Event
from ..timeutil import utc_to_local
from .answers import display_value
from .forms import ORGANISATION_TYPE_LABELS, SEX_LABELS
from .models import Question, Registration
from .services import STATE_LABELS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")


def yes_no(value: bool):
    return _l("Yes") if value else _l("No")


@dataclass(frozen=True)
class Row:
    """What a column needs to know besides the registration."""

    event: Event
    positions: dict[int, int]
    countries: dict[str, str]


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # str, lazy string, or a function of the event giving one
    value: Callable[[Registration, Row], object]


STANDARD_COLUMNS = [
    Column("full_name", _l("Full name"), lambda r, _: r.full_name),
    Column("native_name", _l("Name in own script"), lambda r, _: r.native_name),
    Column("email", _l("E-mail"), lambda r, _: r.user.email),
    Column("organisation", _l("Organisation"), lambda r, _: r.organisation),
    Column("organisation_type", _l("Type of organisation"), lambda r, _: ORGANISATION_TYPE_LABELS[r.organisation_type]),
    Column("job_title", _l("Position"), lambda r, _: r.job_title),
    Column("country", _l("Country"), lambda r, row: row.countries.get(r.country, r.country)),
    Column("sex", _l("Sex"), lambda r, _: SEX_LABELS[r.sex]),
    Column("dietary_needs", _l("Dietary needs"), lambda r, _: r.dietary_needs),
    Column("accessibility_needs", _l("Accessibility needs"), lambda r, _: r.accessibility_needs),
    Column("visa_letter_needed", _l("Visa letter needed"), lambda r, _: yes_no(r.visa_letter_needed)),
    Column("listed_publicly", _l("On the list of participants"), lambda r, _: yes_no(r.listed_publicly)),
    Column("state", _l("State"), lambda r, _: STATE_LABELS[r.state]),
    Column("position", _l("Waiting list position"), lambda r, row: row.positions.get(r.id)),
    Column(
        "registered_at",
        lambda event: _l("Registered at (%(zone)s)", zone=event.timezone),
        lambda r, row: utc_to_local(r.created_at, row.event.timezone).strftime("%Y-%m-%d %H:%M"),
    ),
]
DEFAULT_COLUMNS = ("full_name", "native_name", "email", "organisation", "country", "state")


def question_key(question: Question) -> str:
    return f"q{question.id}"


def question_column(question: Question) -> Column:
    def value(registration: Registration, _row: Row):
        answer = next((a for a in registration.answers if a.question_id == question.id), None)
        return display_value(answer) if answer is not None else ""

    label = _l("%(label)s (removed question)", label=question.label) if question.archived else question.label
    return Column(question_key(question), label, value)


def available_columns(questions: list[Question]) -> list[Column]:
    """The standard columns, then one per question (removed ones too: their answers stay)."""
    return [*STANDARD_COLUMNS, *(question_column(question) for question in questions)]


def chosen_columns(keys: list[str], questions: list[Question]) -> list[Column]:
    """The columns named in ``keys``, in the order of the export form; unknown keys are ignored."""
    wanted = set(keys)
    return [column for column in available_columns(questions) if column.key in wanted]


def neutralise(value):
    """Text as a spreadsheet shows it, never as a formula."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def table(event: Event, columns: list[Column], registrations: list[Registration], positions: dict[int, int]):
    """The header and the rows, every cell already neutralised."""
    row = Row(event=event, positions=positions, countries=country_names())
    header = [neutralise(column.label(event) if callable(column.label) else column.label) for column in columns]
    rows = [[neutralise(column.value(registration, row)) for column in columns] for registration in registrations]
    return header, rows


def to_csv(header: list, rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_text(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XLSX cannot hold
    return value


def to_xlsx(header: list, rows: list[list], sheet_title: str) -> bytes:
    """One sheet: a bold header row that stays in view, then the rows, every text cell as text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append([_xlsx_text(value) for value in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        sheet.append([_xlsx_text(value) for value in values])
    for cells in sheet.iter_rows(min_row=1):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    sheet.freeze_panes = "A2"
    for index, label in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(
            max(len(str(label)) + 4, 12), 50
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(event: Event, extension: str) -> str:
    return f"{event.slug}-registrations.{extension}"
