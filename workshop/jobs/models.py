"""Long work that leaves the request: what it is, how far it got, what failed."""

from __future__ import annotations

import enum
import json
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..columns import enum_column
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow


class JobState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # stopped by an error that is not about one item


UNFINISHED = (JobState.QUEUED, JobState.RUNNING)


class Job(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    state: Mapped[JobState] = enum_column(JobState, default=JobState.QUEUED)
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    items_json: Mapped[str | None] = mapped_column(Text)  # the ids to work through, fixed when the job starts
    total: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)  # items handled, each with its effect, in order
    failures: Mapped[int] = mapped_column(default=0)
    failure_notes: Mapped[str] = mapped_column(Text, default="")  # one line a failed item
    error: Mapped[str] = mapped_column(Text, default="")
    result_file: Mapped[str] = mapped_column(
        String(64), default=""
    )  # a stored file the job made, e.g. a compiled report
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def params(self) -> dict:
        return json.loads(self.params_json or "{}")

    @property
    def items(self) -> list[int] | None:
        return None if self.items_json is None else json.loads(self.items_json)

    @property
    def finished(self) -> bool:
        return self.state not in UNFINISHED

    @property
    def succeeded(self) -> int:
        return self.position - self.failures
