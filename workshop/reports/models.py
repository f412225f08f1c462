"""What people write for the workshop report: the organisers' sections and the rapporteurs'
session summaries. Everything else in the report comes from the data at the time it is compiled.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..agenda.models import AgendaSession
from ..columns import enum_column
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow
from ..translated import Translated, TranslatedText


class SectionKind(enum.Enum):
    EXECUTIVE_SUMMARY = "executive_summary"
    BACKGROUND = "background"
    OBJECTIVES = "objectives"
    CONCLUSIONS = "conclusions"
    RECOMMENDATIONS = "recommendations"
    OTHER = "other"  # added by the organisers, with a title of their own


class ReportSection(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SectionKind] = enum_column(SectionKind)
    # In every language (JSON by language, or a plain text written before that)
    title: Mapped[Translated] = mapped_column(TranslatedText, default="")  # empty: the kind's own title, translated
    body: Mapped[Translated] = mapped_column(TranslatedText, default="")  # Markdown
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()


class SessionSummary(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("agenda_session.id", ondelete="CASCADE"), unique=True)
    body: Mapped[Translated] = mapped_column(TranslatedText, default="")  # Markdown, in every language
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    session: Mapped[AgendaSession] = relationship()
    updated_by: Mapped[User | None] = relationship()
