"""What the organisers of the past demo event published: a press release for everyone and a note for
its participants, so that the event's "Outcomes", a publication's page and the resource library show
something on a fresh install. Rows are added without committing: the demo loader commits at once."""

from __future__ import annotations

from datetime import timedelta

from ..events.models import Event
from ..extensions import db
from ..publishing.models import Audience, Publication, PublicationKind
from ..publishing.services import padded, search_text_of
from ..translated import Translated

PRESS_RELEASE = Translated(
    {
        "en": "Conference calls for better information on safe and legal migration",
        "zh": "会议呼吁加强安全合法移民信息服务",
    }
)
PRESS_RELEASE_BODY = Translated(
    {
        "en": "Officials, researchers and the social partners of China and the European Union agreed that "
        "**better information before departure** is the most effective protection for migrants.\n\n"
        "- Pilots in the main departure provinces\n- Country studies on legal channels",
        "zh": "来自中国和欧盟的官员、研究人员和社会伙伴一致认为，**出发前提供更好的信息**是对移民最有效的保护。\n\n"
        "- 在主要输出省份开展试点\n- 关于合法渠道的国别研究",
    }
)
PARTICIPANTS_NOTE = Translated({"en": "Follow-up for participants", "zh": "参会者后续事项"})
PARTICIPANTS_NOTE_BODY = Translated(
    {
        "en": "The country studies' drafts will be shared with you for comments.",
        "zh": "国别研究的草稿将发给各位征求意见。",
    }
)


def seed_demo_publications(event: Event, organiser) -> None:
    dated = event.ends_at.date() + timedelta(days=1)
    for title, body, audience in (
        (PRESS_RELEASE, PRESS_RELEASE_BODY, Audience.PUBLIC),
        (PARTICIPANTS_NOTE, PARTICIPANTS_NOTE_BODY, Audience.PARTICIPANTS),
    ):
        event_publication = Publication(
            event=event,
            kind=PublicationKind.PRESS_RELEASE,
            audience=audience,
            title=title,
            body=body,
            dated=dated,
            languages=padded(body.texts),
            search_text=search_text_of(title),
            published_by=organiser,
        )
        event_publication.published_at = event.ends_at + timedelta(days=1)
        db.session.add(event_publication)
