"""The evaluation's answers as CSV and XLSX, for organisers: one row per response, one column per
question, and a summary per question (answers per option, the average of a rating).

Options read in the organiser's language, as on the results page. An anonymous evaluation exports
no name, e-mail, registration or date, and its rows are in the order of the responses' random ids
(``models.random_row_id``), which says nothing about who answered or when; a named one gives each
row the participant's names, in order of name. Every text cell is neutralised like the registrations
export's, so an answer never runs as a formula.
"""

from __future__ import annotations

import io
import json

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from sqlalchemy.orm import selectinload

from ..events.models import Event
from ..extensions import db
from ..questions.kinds import RATINGS
from ..questions.options import readable
from ..registration.exports import neutralise, to_csv
from .models import Evaluation, EvaluationAnswer, EvaluationQuestion, EvaluationQuestionKind, EvaluationResponse
from .results import EvaluationResults, QuestionResult

FORMATS = ("csv", "xlsx")
RATING_LABELS = {1: _l("1 poor"), 5: _l("5 excellent")}
CHOICES = (EvaluationQuestionKind.CHOICE, EvaluationQuestionKind.MULTIPLE_CHOICE)


def average_of(result: QuestionResult) -> float | None:
    """The average rating to one decimal, as people read it (4.3, not 4.333333)."""
    return None if result.average is None else round(result.average, 1)


def question_heading(question: EvaluationQuestion) -> str:
    label = str(question.label)
    if question.session is not None:
        label = str(_l("%(label)s (session: %(session)s)", label=label, session=question.session.title))
    if question.archived:
        label = str(_l("%(label)s (no longer asked)", label=label))
    return label


def answer_text(question: EvaluationQuestion, answer: EvaluationAnswer | None):
    """What a response answered to ``question``, as the organiser reads it; None when nothing."""
    if answer is None:
        return None
    if question.kind is EvaluationQuestionKind.RATING:
        return answer.rating if answer.rating in RATINGS else None
    value = json.loads(answer.value_json) if answer.value_json else None
    if question.kind is EvaluationQuestionKind.TEXT:
        return value.strip() if isinstance(value, str) and value.strip() else None
    values = value if isinstance(value, list) else [value] if isinstance(value, str) and value else []
    options = question.options
    return "; ".join(str(readable(options, item)) for item in values) or None


def ordered_responses(event: Event, anonymous: bool) -> list[EvaluationResponse]:
    statement = (
        db.select(EvaluationResponse)
        .where(EvaluationResponse.event_id == event.id)
        .options(selectinload(EvaluationResponse.answers))
    )
    if anonymous:
        return db.session.scalars(statement.order_by(EvaluationResponse.id)).all()
    responses = db.session.scalars(statement.options(selectinload(EvaluationResponse.registration))).all()
    return sorted(responses, key=lambda r: (r.registration.full_name.casefold() if r.registration else "", r.id))


def responses_table(event: Event, evaluation: Evaluation, results: EvaluationResults) -> tuple[list, list[list]]:
    """The header and one row per response; names only when the evaluation is not anonymous."""
    questions = [item.question for item in results.questions]
    named = not evaluation.anonymous
    header = [_l("Full name"), _l("Name in own script"), _l("Answered on")] if named else []
    header += [question_heading(question) for question in questions]
    rows = []
    for response in ordered_responses(event, evaluation.anonymous):
        by_question = {answer.question_id: answer for answer in response.answers}
        row = []
        if named:
            registration = response.registration
            row += [
                registration.full_name if registration else "",
                registration.native_name if registration else "",
                response.submitted_on.isoformat(),
            ]
        row += [answer_text(question, by_question.get(question.id)) for question in questions]
        rows.append(row)
    return [cell(value) for value in header], [[cell(value) for value in row] for row in rows]


def summary_table(results: EvaluationResults) -> tuple[list, list[list]]:
    """Per question: how many answered it, then the count of each rating or option, and the
    average of a rating."""
    header = [_l("Question"), _l("Answer"), _l("Count")]
    rows = []
    for item in results.questions:
        label = question_heading(item.question)
        rows.append([label, _l("Answered by"), item.answered])
        if item.question.kind is EvaluationQuestionKind.RATING:
            rows += [
                [label, RATING_LABELS.get(rating, str(rating)), count]
                for rating, count in zip(RATINGS, item.rating_counts, strict=True)
            ]
            rows.append([label, _l("Average (of 5)"), average_of(item)])
        elif item.question.kind in CHOICES:
            rows += [[label, str(option), count] for option, count in item.option_counts]
    return [cell(value) for value in header], [[cell(value) for value in row] for row in rows]


def cell(value):
    """A number stays a number and nothing stays empty; text is neutralised and cleaned of the
    control characters XLSX cannot hold."""
    if value is None:
        return None
    value = neutralise(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def evaluation_csv(responses: tuple[list, list[list]], summary: tuple[list, list[list]]) -> bytes:
    """The responses, an empty row, then the summary; UTF-8 with a byte-order mark for Excel."""
    header, rows = responses
    summary_header, summary_rows = summary
    return to_csv(header, [*rows, [], summary_header, *summary_rows])


def evaluation_xlsx(responses: tuple[list, list[list]], summary: tuple[list, list[list]], titles: tuple) -> bytes:
    """Two sheets, "Answers" and "Summary": bold header rows that stay in view, every text cell as
    text, averages shown with one decimal."""
    workbook = Workbook()
    first = workbook.active
    for sheet, (header, rows), title in (
        (first, responses, titles[0]),
        (workbook.create_sheet(), summary, titles[1]),
    ):
        sheet.title = str(title)[:31]
        sheet.append(header)
        for values in rows:
            sheet.append(values)
        for header_cell in sheet[1]:
            header_cell.font = Font(bold=True)
        for cells in sheet.iter_rows(min_row=1):
            for each in cells:
                if isinstance(each.value, str):
                    each.data_type = "s"  # never a formula, whatever the text
                elif isinstance(each.value, float):
                    each.number_format = "0.0"
        sheet.freeze_panes = "A2"
        for index, label in enumerate(header, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = min(max(len(str(label)) + 4, 12), 50)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(event: Event, extension: str) -> str:
    return f"{event.slug}-evaluation.{extension}"
