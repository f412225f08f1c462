"""The report's chapters of figures: participation (by country, sex and type of organisation),
attendance per session, and the evaluation's results, each as a chart and a table."""

from __future__ import annotations

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Spacer

from ..feedback.models import EvaluationQuestionKind
from ..feedback.results import RATINGS
from ..pdf.styles import lines, para
from ..registration.forms import ORGANISATION_TYPE_LABELS, SEX_LABELS
from . import pdf_charts
from .compile import QuestionFigures, ReportData
from .pdf_layout import cell, empty, header_row, table_style
from .pdf_text import Formats


def counts_table(label: str, rows: list[tuple[str, int]], total: int, sheet, formats: Formats) -> LongTable:
    widths = (90 * mm, 30 * mm, 30 * mm)
    style = sheet["cell"]
    body = [header_row([label, _("Participants"), _("Share")], sheet)]
    for name, count in rows:
        body.append([cell(name, style, widths[0]), str(count), formats.percent(count / total if total else None)])
    body.append([para(_("Total"), sheet["cell_bold"]), para(str(total), sheet["cell_bold"]), ""])
    table = LongTable(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style(cell_style=style))
    table.spaceBefore, table.spaceAfter = 4, 8
    return table


def participation(story, data: ReportData, sheet, formats: Formats, width: float) -> None:
    story.chapter(_("Participation"))
    figures = data.participation
    if figures is None or not figures.confirmed:
        story.add(empty(_("No participants are confirmed."), sheet))
        return
    story.add(para(
        _("Counted over the %(count)d confirmed participants; pending, waitlisted, rejected and cancelled registrations are not counted.",
          count=figures.confirmed),
        sheet["note"],
    ))
    total = figures.confirmed

    story.section(_("By country"))
    top, others = figures.top_countries()
    labels = [formats.country(code) for code, _count in top]
    values = [count for _code, count in top]
    if others:
        labels.append(_("Other countries"))
        values.append(others)
    story.add(pdf_charts.bars_across(labels, values, width))
    story.add(counts_table(_("Country"), [(formats.country(code), count) for code, count in figures.by_country], total, sheet, formats))

    story.section(_("By sex"))
    rows = [(str(SEX_LABELS[sex]), count) for sex, count in figures.by_sex]
    story.add(pdf_charts.pie([label for label, _count in rows], [count for _label, count in rows], width))
    story.add(counts_table(_("Sex"), rows, total, sheet, formats))

    story.section(_("By type of organisation"))
    rows = [(str(ORGANISATION_TYPE_LABELS[kind]), count) for kind, count in figures.by_organisation_type]
    story.add(pdf_charts.bars_across([label for label, _count in rows], [count for _label, count in rows], width))
    story.add(counts_table(_("Type of organisation"), rows, total, sheet, formats))


def attendance(story, data: ReportData, sheet, formats: Formats, width: float) -> None:
    story.chapter(_("Attendance per session"))
    if not data.attendance:
        story.add(empty(_("No session counts for attendance."), sheet))
        return
    confirmed = data.participation.confirmed if data.participation else 0
    if not confirmed:
        story.add(empty(_("No participants are confirmed."), sheet))
        return
    story.add(para(
        _("Present at each session that counts for attendance, as a share of the %(count)d confirmed participants.", count=confirmed),
        sheet["note"],
    ))
    sessions = data.attendance
    every = 1 if len(sessions) <= 30 else 5
    story.add(pdf_charts.bars_upwards(
        [str(n) for n in range(1, len(sessions) + 1)], [100 * (s.rate or 0) for s in sessions], width, 150,
        percent=True, label_every=every, axis_title=_("Sessions, numbered as in the table below"),
    ))
    widths = (10 * mm, 76 * mm, 46 * mm, 22 * mm, 20 * mm)
    style = sheet["cell"]
    rows = [header_row(["#", _("Session"), _("When"), _("Present"), _("Rate")], sheet)]
    for n, s in enumerate(sessions, start=1):
        rows.append([
            str(n),
            cell(s.title, style, widths[1]),
            lines([formats.day(s.starts_at), formats.times(s.starts_at, s.ends_at)], sheet["cell_small"]),
            f"{s.present} / {s.confirmed}",
            formats.percent(s.rate),
        ])
    table = LongTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(table_style(cell_style=style))
    table.spaceBefore = 6
    story.add(table)


def evaluation(story, data: ReportData, sheet, formats: Formats, width: float) -> None:
    story.chapter(_("Evaluation"))
    results = data.evaluation
    if results is None or not results.responses:
        story.add(empty(_("No evaluation answers."), sheet))
        return
    story.add(para(
        _("%(responses)d answers from %(participants)d confirmed participants (%(rate)s). Comments are printed without names, in alphabetical order.",
          responses=results.responses, participants=results.participants, rate=formats.percent(results.response_rate)),
        sheet["note"],
    ))
    for question in results.questions:
        story.section(question.label)
        if question.session_title:
            story.add(para(_("About the session “%(title)s”", title=question.session_title), sheet["note"]))
        if not question.answered:
            story.add(empty(_("No answers to this question."), sheet))
            continue
        story.add(*question_flowables(question, sheet, formats, width))


def question_flowables(question: QuestionFigures, sheet, formats: Formats, width: float) -> list:
    if question.kind is EvaluationQuestionKind.RATING:
        return [
            para(_("Average %(average)s of 5, from %(count)d answers (1: lowest, 5: highest).",
                          average=formats.decimal(question.average), count=question.answered), sheet["cell"]),
            pdf_charts.bars_upwards([str(r) for r in RATINGS], question.rating_counts, min(width, 90 * mm), 100),
        ]
    if question.kind is EvaluationQuestionKind.TEXT:
        flowables = [para(_("%(count)d comments.", count=len(question.comments)), sheet["cell"]), Spacer(1, 3)]
        flowables += [para(f"“{comment}”", sheet["paragraph"]) for comment in question.comments]
        return flowables
    labels = [option for option, _count in question.option_counts]
    values = [count for _option, count in question.option_counts]
    return [
        para(_("%(count)d answers.", count=question.answered), sheet["cell"]),
        pdf_charts.bars_across(labels, values, width),
    ]
