"""The programmes of the demo events: sessions, speakers with their roles, and a few registrations,
so that the agenda, the speakers' pages and "My registrations" look as they will in real use.

Each session is written as it would be typed by an organiser: a day of the event (0 for the
first), wall-clock times in the event's time zone, the kind, title, place and the speakers.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .accounts.models import User
from .agenda.models import AgendaSession, SessionKind, SessionSpeaker, Speaker, SpeakerRole
from .attendance.models import ARRIVAL, Attendance, AttendanceChange, Method
from .events.models import Event
from .extensions import db
from .registration.models import OrganisationType, Registration, RegistrationChange, Sex
from .registration.states import State
from .timeutil import local_to_utc, utc_to_local, utcnow

K = SessionKind
CHAIR, SPEAKER, MODERATOR, DISCUSSANT, RAPPORTEUR = (
    SpeakerRole.CHAIR, SpeakerRole.SPEAKER, SpeakerRole.MODERATOR, SpeakerRole.DISCUSSANT, SpeakerRole.RAPPORTEUR
)


@dataclass(frozen=True)
class DemoSpeaker:
    full_name: str
    native_name: str
    title: str
    affiliation: str
    biography: str
    email: str = ""  # a demo account: the profile is linked to it


SPEAKERS = {
    "whitfield": DemoSpeaker(
        "Sarah Whitfield", "", "Associate Professor of Migration Studies", "China Policy Institute, University of Nottingham",
        "Sarah leads the survey of Chinese migrant workers in the East Midlands and has written on labour "
        "intermediaries between Fujian and Europe.", "sarah.whitfield@example.org",
    ),
    "wang": DemoSpeaker(
        "Wang Fang", "王芳", "Deputy Director, Department of International Cooperation",
        "Ministry of Human Resources and Social Security of China",
        "Wang Fang coordinates China's cooperation with the ILO on labour migration and has led the ministry's "
        "delegations to the EU–China dialogues on migration and mobility.", "wang.fang@example.org",
    ),
    "bellini": DemoSpeaker(
        "Marco Bellini", "", "Senior Specialist on Forced Labour", "International Labour Organization (ILO)",
        "Marco has supported labour inspectorates in Europe and Asia in applying the ILO indicators of forced labour.",
        "marco.bellini@example.org",
    ),
    "dubois": DemoSpeaker(
        "Claire Dubois", "", "Labour Mobility Programme Officer", "International Organization for Migration (IOM)",
        "Claire manages IOM projects on fair recruitment and on protection for migrants in vulnerable situations.",
        "claire.dubois@example.org",
    ),
    "chen": DemoSpeaker(
        "Chen Jing", "陈静", "Researcher", "Institute of Labour Studies, Beijing",
        "Chen Jing studies labour dispatch agencies and the protection of Chinese workers abroad.", "chen.jing@example.org",
    ),
    "kowalska": DemoSpeaker(
        "Anna Kowalska", "", "Head of Unit, Legal Migration", "European Commission, Directorate-General for Migration and Home Affairs",
        "Anna follows the EU's migration dialogues with Asian partners.", "anna.kowalska@example.org",
    ),
    "devries": DemoSpeaker(
        "Jan de Vries", "", "Regional Officer", "Trade union regional office, North West England",
        "Jan organises migrant workers in food processing and logistics.", "jan.devries@example.org",
    ),
    "zhao": DemoSpeaker(
        "Zhao Lei", "赵磊", "Senior Labour Inspector", "Beijing Municipal Labour Inspection Brigade",
        "Zhao Lei has inspected construction sites and factories for fifteen years and trains new inspectors.",
        "zhao.lei@example.org",
    ),
    "sun": DemoSpeaker(
        "Sun Li", "孙丽", "Programme Officer", "ILO Country Office for China and Mongolia",
        "Sun Li runs the ILO's training for labour inspectors in China.", "sun.li@example.org",
    ),
}


@dataclass(frozen=True)
class DemoSession:
    day: int
    starts: str
    ends: str
    kind: SessionKind
    title: str
    room: str = ""
    address: str = ""
    city: str = ""
    directions: str = ""
    track: str = ""
    description: str = ""
    speakers: tuple[tuple[str, SpeakerRole], ...] = ()
    counts: bool = True


MAIN, SEMINAR = "Main Hall", "Seminar Room 2"

WORKSHOP = [
    DemoSession(0, "09:00", "09:30", K.PLENARY, "Opening and welcome", MAIN, speakers=(("whitfield", CHAIR), ("wang", SPEAKER), ("bellini", SPEAKER))),
    DemoSession(
        0, "09:30", "11:00", K.PLENARY, "Chinese migrants in the East Midlands: survey findings", MAIN,
        description="Results of the survey of **412 Chinese migrant workers**: routes, jobs, wages and debts.",
        speakers=(("whitfield", SPEAKER), ("chen", DISCUSSANT), ("dubois", RAPPORTEUR)),
    ),
    DemoSession(0, "11:00", "11:30", K.BREAK, "Coffee break", counts=False),
    DemoSession(0, "11:30", "13:00", K.PANEL, "Working conditions in catering, care and construction", MAIN, track="Working conditions",
                speakers=(("devries", SPEAKER), ("chen", SPEAKER), ("dubois", MODERATOR))),
    DemoSession(0, "11:30", "13:00", K.TRAINING, "Recognising the indicators of forced labour", SEMINAR, track="Forced labour",
                speakers=(("bellini", SPEAKER),)),
    DemoSession(0, "13:00", "14:00", K.MEAL, "Lunch", "Atrium", counts=False),
    DemoSession(0, "14:00", "15:30", K.PANEL, "Risks of trafficking for forced labour along the migration route", MAIN,
                speakers=(("bellini", SPEAKER), ("dubois", SPEAKER), ("whitfield", MODERATOR))),
    DemoSession(1, "09:00", "10:30", K.PLENARY, "Policy dialogue between Chinese and European authorities", MAIN,
                speakers=(("wang", SPEAKER), ("kowalska", SPEAKER), ("bellini", CHAIR), ("dubois", RAPPORTEUR))),
    DemoSession(1, "10:30", "11:00", K.BREAK, "Coffee break", counts=False),
    DemoSession(1, "11:00", "12:30", K.PANEL, "Fair recruitment and safe channels for labour migration", MAIN,
                speakers=(("dubois", SPEAKER), ("wang", DISCUSSANT), ("kowalska", MODERATOR))),
    DemoSession(1, "14:00", "17:00", K.PLENARY, "Conclusions and recommendations for the workshop report", MAIN,
                speakers=(("whitfield", CHAIR), ("dubois", RAPPORTEUR))),
]

LONDON_BRIEFING = "ILO Office for the United Kingdom, 2 Example Street"
STUDY_TOUR = [
    DemoSession(0, "09:30", "12:00", K.PLENARY, "Briefing by the ILO and the IOM", "Meeting room 1", LONDON_BRIEFING, "London",
                "Ten minutes' walk from the hotel; the guide meets the group in the lobby at 09:10.",
                speakers=(("bellini", SPEAKER), ("dubois", SPEAKER))),
    DemoSession(0, "14:00", "16:30", K.SITE_VISIT, "The labour inspectorate: enforcement against labour exploitation", "",
                "Westminster", "London", "Underground, Jubilee line from Bond Street to Westminster (15 minutes)."),
    DemoSession(1, "10:00", "12:30", K.SITE_VISIT, "A job centre: job matching and support for migrant jobseekers", "",
                "Job centre, Stratford", "London", "Coach from the hotel at 09:15."),
    DemoSession(2, "08:30", "10:10", K.TRAVEL, "Train from London Euston to Birmingham New Street", "", "London Euston station",
                "London", "Meet at 08:00 under the departures board; tickets are held by the guide.", counts=False),
    DemoSession(2, "11:00", "13:00", K.SITE_VISIT, "An employers' association: recruitment through agencies and fair supply chains",
                "", "Colmore Row", "Birmingham", "Five minutes' walk from New Street station."),
    DemoSession(2, "16:00", "17:00", K.TRAVEL, "Coach from Birmingham to Nottingham", "", "Birmingham", "Birmingham",
                "The coach leaves from the association's front door.", counts=False),
    DemoSession(3, "09:30", "12:30", K.SITE_VISIT, "The China Policy Institute: survey findings", "Jubilee Conference Centre",
                "Jubilee Campus, Wollaton Road", "Nottingham", "Tram line 1 to the university; ten minutes' walk.",
                speakers=(("whitfield", SPEAKER), ("chen", SPEAKER))),
    DemoSession(3, "14:00", "16:00", K.SITE_VISIT, "Licensing of labour providers in food and farming", "", "A farm near Newark",
                "Nottinghamshire", "Coach from the campus at 13:15 (40 minutes)."),
    DemoSession(4, "08:00", "09:45", K.TRAVEL, "Train from Nottingham to Manchester Piccadilly", "", "Nottingham station",
                "Nottingham", "Meet at 07:40 at the station entrance.", counts=False),
    DemoSession(4, "10:30", "12:30", K.SITE_VISIT, "A trade union regional office: organising migrant workers", "",
                "Oxford Road", "Manchester", "Fifteen minutes' walk from Piccadilly.", speakers=(("devries", SPEAKER),)),
    DemoSession(4, "14:00", "16:00", K.PLENARY, "Closing session and evaluation", "Meeting room", "Oxford Road",
                "Manchester", speakers=(("dubois", CHAIR), ("wang", SPEAKER))),
]

TRAINING_ROOM = "Training Room A, ILO Office, Beijing"
TRAINING = [
    DemoSession(0, "09:00", "10:30", K.PLENARY, "Opening: the Forced Labour Convention and its Protocol", TRAINING_ROOM,
                speakers=(("sun", CHAIR), ("bellini", SPEAKER))),
    DemoSession(0, "11:00", "12:30", K.TRAINING, "The ILO indicators of forced labour, with cases from China and Europe",
                TRAINING_ROOM, speakers=(("bellini", SPEAKER), ("zhao", DISCUSSANT))),
    DemoSession(0, "14:00", "17:00", K.TRAINING, "Planning inspections in higher-risk sectors", TRAINING_ROOM, speakers=(("zhao", SPEAKER),)),
    DemoSession(1, "09:00", "12:00", K.TRAINING, "Interviewing workers safely, with an interpreter", TRAINING_ROOM,
                speakers=(("sun", SPEAKER), ("bellini", SPEAKER))),
    DemoSession(1, "14:00", "17:00", K.SITE_VISIT, "Simulated inspection at a construction site", "", "Chaoyang District",
                "Beijing", "Bus from the ILO Office at 13:30; bring safety shoes.", speakers=(("zhao", SPEAKER),)),
    DemoSession(2, "09:00", "12:00", K.TRAINING, "Referring victims and working with the police and prosecutors", TRAINING_ROOM,
                speakers=(("sun", SPEAKER),)),
    DemoSession(2, "14:00", "17:00", K.PLENARY, "Action plans and closing", TRAINING_ROOM, speakers=(("sun", CHAIR), ("zhao", RAPPORTEUR))),
]

PAST_CONFERENCE = [
    DemoSession(0, "09:30", "11:00", K.PLENARY, "Opening: ten years of EU–China dialogue on migration", "Auditorium",
                speakers=(("kowalska", CHAIR), ("wang", SPEAKER))),
    DemoSession(0, "11:30", "13:00", K.PANEL, "Safe and legal pathways for workers", "Auditorium",
                speakers=(("dubois", SPEAKER), ("kowalska", MODERATOR), ("dubois", RAPPORTEUR))),
    DemoSession(1, "09:30", "12:00", K.PLENARY, "Conclusions", "Auditorium", speakers=(("kowalska", CHAIR),)),
]

PROGRAMMES = {
    "migration_workshop": WORKSHOP,
    "uk_study_tour": STUDY_TOUR,
    "beijing_training": TRAINING,
    "brussels_conference": PAST_CONFERENCE,
}


@dataclass
class DemoParticipant:
    email: str
    organisation: str
    organisation_type: OrganisationType
    country: str
    sex: Sex
    job_title: str = ""
    events: dict[str, State] = field(default_factory=dict)


PARTICIPANTS = [
    DemoParticipant("zhang.min@example.org", "Guangdong Provincial Department of Human Resources and Social Security",
                    OrganisationType.GOVERNMENT, "CN", Sex.FEMALE, "Section Chief",
                    {"migration_workshop": State.CONFIRMED, "beijing_training": State.CONFIRMED, "brussels_conference": State.CONFIRMED}),
    DemoParticipant("li.wei@example.org", "Ministry of Human Resources and Social Security", OrganisationType.GOVERNMENT, "CN", Sex.MALE,
                    "Deputy Director", {"migration_workshop": State.CONFIRMED, "uk_study_tour": State.CONFIRMED, "brussels_conference": State.CONFIRMED}),
    DemoParticipant("liu.yang@example.org", "China Enterprise Confederation", OrganisationType.EMPLOYERS, "CN", Sex.MALE,
                    "Policy Officer", {"migration_workshop": State.PENDING, "brussels_conference": State.CONFIRMED}),
    DemoParticipant("zhou.hui@example.org", "All-China Federation of Trade Unions", OrganisationType.WORKERS, "CN", Sex.FEMALE,
                    "International Department", {"migration_workshop": State.CONFIRMED, "beijing_training": State.CONFIRMED,
                                                  "brussels_conference": State.CONFIRMED}),
    DemoParticipant("anna.kowalska@example.org", "European Commission", OrganisationType.INTERNATIONAL, "BE", Sex.FEMALE,
                    "Head of Unit", {"migration_workshop": State.CONFIRMED, "brussels_conference": State.CONFIRMED}),
]


def wall_clock(day: date, text: str, zone: str) -> datetime:
    hour, minute = (int(part) for part in text.split(":"))
    return local_to_utc(datetime.combine(day, time(hour, minute)), zone)


def add_programme(event: Event, sessions: list[DemoSession]) -> None:
    first_day = utc_to_local(event.starts_at, event.timezone).date()
    speakers: dict[str, Speaker] = {}
    for item in sessions:
        day = first_day + timedelta(days=item.day)
        session = AgendaSession(
            event=event, title=item.title, kind=item.kind, starts_at=wall_clock(day, item.starts, event.timezone),
            ends_at=wall_clock(day, item.ends, event.timezone), room=item.room, address=item.address, city=item.city,
            directions=item.directions, track=item.track, description=item.description, counts_for_attendance=item.counts,
        )
        db.session.add(session)
        for position, (key, role) in enumerate(item.speakers):
            if key not in speakers:
                speakers[key] = speaker_profile(event, SPEAKERS[key])
            session.speakers.append(SessionSpeaker(speaker=speakers[key], role=role, position=position))


def speaker_profile(event: Event, person: DemoSpeaker) -> Speaker:
    with db.session.no_autoflush:
        user = db.session.scalar(db.select(User).where(User.email == person.email)) if person.email else None
    speaker = Speaker(
        event=event, user=user, full_name=person.full_name, native_name=person.native_name, title=person.title,
        affiliation=person.affiliation, biography=person.biography, email=person.email,
    )
    db.session.add(speaker)
    return speaker


def add_registrations(events: dict[str, Event], organiser: User) -> None:
    for person in PARTICIPANTS:
        with db.session.no_autoflush:
            user = db.session.scalar(db.select(User).where(User.email == person.email))
        for key, state in person.events.items():
            registration = Registration(
                event=events[key], user=user, state=state, full_name=user.full_name, native_name=user.native_name,
                organisation=person.organisation, organisation_type=person.organisation_type, country=person.country,
                sex=person.sex, job_title=person.job_title, listed_publicly=True, privacy_accepted_at=utcnow(),
            )
            registration.changes.append(RegistrationChange(actor=user, from_state=None, to_state=State.PENDING if events[key].approval_required else state))
            if events[key].approval_required and state is not State.PENDING:
                registration.changes.append(RegistrationChange(actor=organiser, from_state=State.PENDING, to_state=state))
            db.session.add(registration)


def add_past_attendance(event: Event, organiser: User) -> None:
    """Who came to each session of a past event: everyone to the first, fewer to the later ones,
    so the statistics, certificates and report of the demo show something to read."""
    db.session.flush()  # the ids of sessions and registrations
    sessions = db.session.scalars(
        db.select(AgendaSession).where(AgendaSession.event_id == event.id).order_by(AgendaSession.starts_at)
    ).all()
    registrations = db.session.scalars(
        db.select(Registration).where(Registration.event_id == event.id, Registration.state == State.CONFIRMED).order_by(Registration.id)
    ).all()
    for index, session in enumerate(sessions):
        present = registrations[: max(1, len(registrations) - index)]
        for registration in present:
            if index == 0:
                add_mark(event, registration, None, ARRIVAL, session.starts_at, organiser)
            add_mark(event, registration, session, session.id, session.starts_at, organiser)


def add_mark(event: Event, registration: Registration, session: AgendaSession | None, slot: int, at: datetime, organiser: User) -> None:
    attendance = Attendance(
        registration=registration, event_id=event.id, session=session, slot=slot, method=Method.ROSTER,
        recorded_by=organiser, recorded_at=at,
    )
    attendance.changes.append(AttendanceChange(present=True, method=Method.ROSTER, actor=organiser, created_at=at))
    db.session.add(attendance)
