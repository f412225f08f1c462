"""The titles of the report's standard sections, in the reader's language unless renamed."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .models import ReportSection, SectionKind

STANDARD_SECTIONS = (
    SectionKind.EXECUTIVE_SUMMARY,
    SectionKind.BACKGROUND,
    SectionKind.OBJECTIVES,
    SectionKind.CONCLUSIONS,
    SectionKind.RECOMMENDATIONS,
)

SECTION_TITLES = {
    SectionKind.EXECUTIVE_SUMMARY: _l("Executive summary"),
    SectionKind.BACKGROUND: _l("Background"),
    SectionKind.OBJECTIVES: _l("Objectives"),
    SectionKind.CONCLUSIONS: _l("Conclusions"),
    SectionKind.RECOMMENDATIONS: _l("Recommendations"),
    SectionKind.OTHER: _l("Other"),
}


def section_title(section: ReportSection) -> str:
    """In the reader's language: the title given in it, else in the other, else the standard one."""
    return str(section.title).strip() or str(SECTION_TITLES.get(section.kind, _("Untitled section")))
