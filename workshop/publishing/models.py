"""What organisers publish from an event once it has happened: the compiled workshop report, press
releases and chosen materials, each for the public or for the event's participants.

A publication keeps its own copy of every file it offers (in the upload storage), so the organisers'
report and materials can go on changing while what was published stays as it was. Publishing again
replaces the copy and raises ``version``; the publication's id, and so its address, stays.
"""

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..columns import enum_column
from ..events.models import Event
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow
from ..translated import Translated, TranslatedText


class PublicationKind(enum.Enum):
    REPORT = "report"
    PRESS_RELEASE = "press_release"
    MATERIAL = "material"


class Audience(enum.Enum):
    PUBLIC = "public"  # the event's public page and the resource library
    PARTICIPANTS = "participants"  # confirmed participants, speakers and organisers, as materials' visibility


class Publication(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PublicationKind] = enum_column(PublicationKind)
    audience: Mapped[Audience] = enum_column(Audience, default=Audience.PUBLIC)
    title: Mapped[Translated] = mapped_column(TranslatedText)
    body: Mapped[Translated] = mapped_column(TranslatedText, default="")  # a press release's Markdown
    dated: Mapped[date] = mapped_column(Date, index=True)  # a press release's date; else the day it was published
    languages: Mapped[str] = mapped_column(String(40), default="")  # " en zh ": the languages it reads in
    search_text: Mapped[str] = mapped_column(Text, default="")  # its titles in every language, lower case
    material_id: Mapped[int | None] = mapped_column(ForeignKey("material.id", ondelete="SET NULL"))
    material_version: Mapped[int | None] = mapped_column()  # the number of the material's version published
    url: Mapped[str] = mapped_column(String(2000), default="")  # a material that is a link
    version: Mapped[int] = mapped_column(default=1)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship()
    published_by: Mapped[User | None] = relationship()
    files: Mapped[list["PublicationFile"]] = relationship(
        back_populates="publication", cascade="all, delete-orphan", order_by="PublicationFile.language"
    )

    __table_args__ = (UniqueConstraint("event_id", "material_id"),)

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None

    @property
    def language_codes(self) -> list[str]:
        return self.languages.split()

    def file_in(self, language: str) -> "PublicationFile | None":
        return next((file for file in self.files if file.language == language), None)


class PublicationFile(db.Model):
    """A file a publication offers: one compiled report per language ("en", "zh"), or the copy of
    a material's version (language "")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8), default="")
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))

    publication: Mapped[Publication] = relationship(back_populates="files")
