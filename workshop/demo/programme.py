"""The programmes of the demo events: sessions and speakers with their roles, so that the agenda and
the speakers' pages look as they will in real use.

Each session is written as an organiser would type it: a day of the event (0 for the first),
wall-clock times in the event's time zone, the kind, title and place, and the speakers. The
agenda service checks and adds it.
"""

from dataclasses import asdict, dataclass
from datetime import timedelta

from ..accounts.models import User
from ..agenda.models import SessionKind, SessionSpeaker, Speaker, SpeakerRole
from ..agenda.services import SessionData, new_session
from ..agenda.speakers import SpeakerData, clean
from ..events.models import Event
from ..extensions import db
from ..timeutil import utc_to_local
from .events import wall_clock
from .people import PEOPLE

K = SessionKind
CHAIR, SPEAKER, MODERATOR, DISCUSSANT, RAPPORTEUR = (
    SpeakerRole.CHAIR, SpeakerRole.SPEAKER, SpeakerRole.MODERATOR, SpeakerRole.DISCUSSANT, SpeakerRole.RAPPORTEUR
)
PERSON_BY_EMAIL = {person.email: person for person in PEOPLE}

CPI = "China Policy Institute, University of Nottingham"
ILO = "International Labour Organization (ILO)"
IOM = "International Organization for Migration (IOM)"


@dataclass(frozen=True)
class DemoSpeaker:
    """A speaker's profile at an event, linked to the demo account of ``email``, whose name it shows."""

    email: str
    title: str
    affiliation: str
    biography: str


SPEAKERS = {
    "whitfield": DemoSpeaker(
        "sarah.whitfield@example.org", "Associate Professor of Migration Studies", CPI,
        "Sarah leads the survey of Chinese migrant workers in the East Midlands and has written on labour "
        "intermediaries between Fujian and Europe.",
    ),
    "wang": DemoSpeaker(
        "wang.fang@example.org", "Deputy Director, Department of International Cooperation",
        "Ministry of Human Resources and Social Security of China",
        "Wang Fang coordinates China's cooperation with the ILO on labour migration and has led the ministry's "
        "delegations to the EU–China dialogues on migration and mobility.",
    ),
    "bellini": DemoSpeaker(
        "marco.bellini@example.org", "Senior Specialist on Forced Labour", ILO,
        "Marco has supported labour inspectorates in Europe and Asia in applying the ILO indicators of forced labour.",
    ),
    "dubois": DemoSpeaker(
        "claire.dubois@example.org", "Labour Mobility Programme Officer", IOM,
        "Claire manages IOM projects on fair recruitment and on protection for migrants in vulnerable situations.",
    ),
    "chen": DemoSpeaker(
        "chen.jing@example.org", "Researcher", "Institute of Labour Studies, Beijing",
        "Chen Jing studies labour dispatch agencies and the protection of Chinese workers abroad.",
    ),
    "kowalska": DemoSpeaker(
        "anna.kowalska@example.org", "Head of Unit, Legal Migration",
        "European Commission, Directorate-General for Migration and Home Affairs",
        "Anna follows the EU's migration dialogues with Asian partners.",
    ),
    "devries": DemoSpeaker(
        "jan.devries@example.org", "Regional Officer", "Trade union regional office, North West England",
        "Jan organises migrant workers in food processing and logistics.",
    ),
    "zhao": DemoSpeaker(
        "zhao.lei@example.org", "Senior Labour Inspector", "Beijing Municipal Labour Inspection Brigade",
        "Zhao Lei has inspected construction sites and factories for fifteen years and trains new inspectors.",
    ),
    "sun": DemoSpeaker(
        "sun.li@example.org", "Programme Officer", "ILO Country Office for China and Mongolia",
        "Sun Li runs the ILO's training for labour inspectors in China.",
    ),
}


@dataclass(frozen=True)
class DemoSession:
    day: int
    starts: str
    ends: str
    details: dict  # the other fields of SessionData
    speakers: tuple[tuple[str, SpeakerRole], ...] = ()


def agenda_item(
    day, starts, ends, kind, title, room="", address="", city="", directions="", *, speakers=(), counts=True, **details
) -> DemoSession:
    """One session of a programme, in the order an organiser reads it: when, what, where, who."""
    where = dict(room=room, address=address, city=city, directions=directions)
    return DemoSession(day, starts, ends, dict(kind=kind, title=title, counts_for_attendance=counts, **where, **details), speakers)


MAIN, SEMINAR = "Main Hall", "Seminar Room 2"

WORKSHOP = [
    agenda_item(0, "09:00", "09:30", K.PLENARY, "Opening and welcome", MAIN, speakers=(("whitfield", CHAIR), ("wang", SPEAKER), ("bellini", SPEAKER))),
    agenda_item(
        0, "09:30", "11:00", K.PLENARY, "Chinese migrants in the East Midlands: survey findings", MAIN,
        description="Results of the survey of **412 Chinese migrant workers**: routes, jobs, wages and debts.",
        speakers=(("whitfield", SPEAKER), ("chen", DISCUSSANT), ("dubois", RAPPORTEUR)),
    ),
    agenda_item(0, "11:00", "11:30", K.BREAK, "Coffee break", counts=False),
    agenda_item(0, "11:30", "13:00", K.PANEL, "Working conditions in catering, care and construction", MAIN, track="Working conditions",
                 speakers=(("devries", SPEAKER), ("chen", SPEAKER), ("dubois", MODERATOR))),
    agenda_item(0, "11:30", "13:00", K.TRAINING, "Recognising the indicators of forced labour", SEMINAR, track="Forced labour",
                 speakers=(("bellini", SPEAKER),)),
    agenda_item(0, "13:00", "14:00", K.MEAL, "Lunch", "Atrium", counts=False),
    agenda_item(0, "14:00", "15:30", K.PANEL, "Risks of trafficking for forced labour along the migration route", MAIN,
                 speakers=(("bellini", SPEAKER), ("dubois", SPEAKER), ("whitfield", MODERATOR))),
    agenda_item(1, "09:00", "10:30", K.PLENARY, "Policy dialogue between Chinese and European authorities", MAIN,
                 speakers=(("wang", SPEAKER), ("kowalska", SPEAKER), ("bellini", CHAIR), ("dubois", RAPPORTEUR))),
    agenda_item(1, "10:30", "11:00", K.BREAK, "Coffee break", counts=False),
    agenda_item(1, "11:00", "12:30", K.PANEL, "Fair recruitment and safe channels for labour migration", MAIN,
                 speakers=(("dubois", SPEAKER), ("wang", DISCUSSANT), ("kowalska", MODERATOR))),
    agenda_item(1, "14:00", "17:00", K.PLENARY, "Conclusions and recommendations for the workshop report", MAIN,
                 speakers=(("whitfield", CHAIR), ("dubois", RAPPORTEUR))),
]

LONDON_BRIEFING = "ILO Office for the United Kingdom, 2 Example Street"
STUDY_TOUR = [
    agenda_item(0, "09:30", "12:00", K.PLENARY, "Briefing by the ILO and the IOM", "Meeting room 1", LONDON_BRIEFING, "London",
                 "Ten minutes' walk from the hotel; the guide meets the group in the lobby at 09:10.",
                 speakers=(("bellini", SPEAKER), ("dubois", SPEAKER))),
    agenda_item(0, "14:00", "16:30", K.SITE_VISIT, "The labour inspectorate: enforcement against labour exploitation", "",
                 "Westminster", "London", "Underground, Jubilee line from Bond Street to Westminster (15 minutes)."),
    agenda_item(1, "10:00", "12:30", K.SITE_VISIT, "A job centre: job matching and support for migrant jobseekers", "",
                 "Job centre, Stratford", "London", "Coach from the hotel at 09:15."),
    agenda_item(2, "08:30", "10:10", K.TRAVEL, "Train from London Euston to Birmingham New Street", "", "London Euston station",
                 "London", "Meet at 08:00 under the departures board; tickets are held by the guide.", counts=False),
    agenda_item(2, "11:00", "13:00", K.SITE_VISIT, "An employers' association: recruitment through agencies and fair supply chains",
                 "", "Colmore Row", "Birmingham", "Five minutes' walk from New Street station."),
    agenda_item(2, "16:00", "17:00", K.TRAVEL, "Coach from Birmingham to Nottingham", "", "Birmingham", "Birmingham",
                 "The coach leaves from the association's front door.", counts=False),
    agenda_item(3, "09:30", "12:30", K.SITE_VISIT, "The China Policy Institute: survey findings", "Jubilee Conference Centre",
                 "Jubilee Campus, Wollaton Road", "Nottingham", "Tram line 1 to the university; ten minutes' walk.",
                 speakers=(("whitfield", SPEAKER), ("chen", SPEAKER))),
    agenda_item(3, "14:00", "16:00", K.SITE_VISIT, "Licensing of labour providers in food and farming", "", "A farm near Newark",
                 "Nottinghamshire", "Coach from the campus at 13:15 (40 minutes)."),
    agenda_item(4, "08:00", "09:45", K.TRAVEL, "Train from Nottingham to Manchester Piccadilly", "", "Nottingham station",
                 "Nottingham", "Meet at 07:40 at the station entrance.", counts=False),
    agenda_item(4, "10:30", "12:30", K.SITE_VISIT, "A trade union regional office: organising migrant workers", "",
                 "Oxford Road", "Manchester", "Fifteen minutes' walk from Piccadilly.", speakers=(("devries", SPEAKER),)),
    agenda_item(4, "14:00", "16:00", K.PLENARY, "Closing session and evaluation", "Meeting room", "Oxford Road",
                 "Manchester", speakers=(("dubois", CHAIR), ("wang", SPEAKER))),
]

TRAINING_ROOM = "Training Room A, ILO Office, Beijing"
TRAINING = [
    agenda_item(0, "09:00", "10:30", K.PLENARY, "Opening: the Forced Labour Convention and its Protocol", TRAINING_ROOM,
                 speakers=(("sun", CHAIR), ("bellini", SPEAKER))),
    agenda_item(0, "11:00", "12:30", K.TRAINING, "The ILO indicators of forced labour, with cases from China and Europe",
                 TRAINING_ROOM, speakers=(("bellini", SPEAKER), ("zhao", DISCUSSANT))),
    agenda_item(0, "14:00", "17:00", K.TRAINING, "Planning inspections in higher-risk sectors", TRAINING_ROOM, speakers=(("zhao", SPEAKER),)),
    agenda_item(1, "09:00", "12:00", K.TRAINING, "Interviewing workers safely, with an interpreter", TRAINING_ROOM,
                 speakers=(("sun", SPEAKER), ("bellini", SPEAKER))),
    agenda_item(1, "14:00", "17:00", K.SITE_VISIT, "Simulated inspection at a construction site", "", "Chaoyang District",
                 "Beijing", "Bus from the ILO Office at 13:30; bring safety shoes.", speakers=(("zhao", SPEAKER),)),
    agenda_item(2, "09:00", "12:00", K.TRAINING, "Referring victims and working with the police and prosecutors", TRAINING_ROOM,
                 speakers=(("sun", SPEAKER),)),
    agenda_item(2, "14:00", "17:00", K.PLENARY, "Action plans and closing", TRAINING_ROOM, speakers=(("sun", CHAIR), ("zhao", RAPPORTEUR))),
]

PAST_CONFERENCE = [
    agenda_item(0, "09:30", "11:00", K.PLENARY, "Opening: ten years of EU–China dialogue on migration", "Auditorium",
                 speakers=(("kowalska", CHAIR), ("wang", SPEAKER))),
    agenda_item(0, "11:30", "13:00", K.PANEL, "Safe and legal pathways for workers", "Auditorium",
                 speakers=(("dubois", SPEAKER), ("kowalska", MODERATOR), ("dubois", RAPPORTEUR))),
    agenda_item(1, "09:30", "12:00", K.PLENARY, "Conclusions", "Auditorium", speakers=(("kowalska", CHAIR),)),
]

PROGRAMMES = {
    "migration_workshop": WORKSHOP,
    "uk_study_tour": STUDY_TOUR,
    "beijing_training": TRAINING,
    "brussels_conference": PAST_CONFERENCE,
}


def add_programme(event: Event, sessions: list[DemoSession], accounts: dict[str, User]) -> None:
    first_day = utc_to_local(event.starts_at, event.timezone).date()
    speakers: dict[str, Speaker] = {}
    for item in sessions:
        day = first_day + timedelta(days=item.day)
        data = SessionData(starts_at=wall_clock(day, item.starts), ends_at=wall_clock(day, item.ends), **item.details)
        session = new_session(event, data)
        for position, (key, role) in enumerate(item.speakers):
            if key not in speakers:
                speakers[key] = speaker_profile(event, SPEAKERS[key], accounts[SPEAKERS[key].email])
            session.speakers.append(SessionSpeaker(speaker=speakers[key], role=role, position=position))


def speaker_profile(event: Event, speaker: DemoSpeaker, user: User) -> Speaker:
    person = PERSON_BY_EMAIL[speaker.email]
    data = clean(SpeakerData(person.full_name, person.native_name, speaker.title, speaker.affiliation, speaker.biography, speaker.email))
    profile = Speaker(event=event, user=user, **asdict(data))
    db.session.add(profile)
    return profile
