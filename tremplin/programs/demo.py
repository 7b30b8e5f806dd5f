"""Demo programs: a month of sessions from today in each agency's time zone, in the three
modes, some full with waitlists, registrations of the demo clients, and a few past sessions
with attendance and a recording. A network template (pre-arrival orientation) is adopted by
one agency and left for the others to adopt."""

from datetime import date, datetime, time, timedelta
from typing import NotRequired, TypedDict
from zoneinfo import ZoneInfo

from django.utils import timezone
from i18nfield.strings import LazyI18nString

from tremplin.agencies.models import Agency, Location, LocationKind, Membership
from tremplin.agencies.roles import Role
from tremplin.assistant.demo import demo_opening_hours
from tremplin.assistant.opening import OpeningHours, is_open_on
from tremplin.clients.models import Client, ImmigrationCategory
from tremplin.core.demodata import DemoNetwork
from tremplin.programs import services
from tremplin.programs.models import (
    AttendanceMode,
    AttendanceStatus,
    CheckInMethod,
    DeliveryMode,
    Program,
    Recording,
    Registration,
    RegistrationStatus,
    ServiceElement,
    ServiceType,
    Session,
    SessionLanguage,
    SessionStatus,
)
from tremplin.programs.services import RegistrationRefused, SessionDetails

T = LazyI18nString

# (key, service type, title by language, topic keywords)
ElementSpec = tuple[str, ServiceType, dict[str, str], str]


class ProgramSpec(TypedDict):
    title: dict[str, str]  # language → text
    description: dict[str, str]
    elements: list[ElementSpec]
    pre_arrival_allowed: NotRequired[bool]
    categories: NotRequired[list[ImmigrationCategory]]


ESSENTIALS: ProgramSpec = {
    "title": {"en": "Job search essentials", "fr": "L'essentiel de la recherche d'emploi"},
    "description": {
        "en": "From your first information session to your first interview: resume, interview practice, digital skills and one-to-one job-search support.",
        "fr": "De la séance d'information à la première entrevue : CV, pratique d'entrevue, compétences numériques et soutien individuel à la recherche d'emploi.",
    },
    "elements": [
        (
            "intake",
            ServiceType.INTAKE,
            {"en": "Information session", "fr": "Séance d'information"},
            "intake information orientation welcome accueil",
        ),
        (
            "resume",
            ServiceType.WORKSHOP,
            {"en": "Resume writing workshop", "fr": "Atelier de rédaction de CV"},
            "resume cv curriculum cover letter lettre",
        ),
        (
            "interview",
            ServiceType.WORKSHOP,
            {"en": "Interview preparation", "fr": "Préparation aux entrevues"},
            "interview entrevue entretien practice",
        ),
        (
            "digital",
            ServiceType.WORKSHOP,
            {
                "en": "Digital skills for job seekers",
                "fr": "Compétences numériques pour chercheurs d'emploi",
            },
            "digital computer email online numerique ordinateur",
        ),
        (
            "job_search",
            ServiceType.JOB_SEARCH,
            {"en": "Job search support drop-in", "fr": "Soutien à la recherche d'emploi"},
            "job search jobs emploi recherche",
        ),
    ],
}
CONNECTIONS: ProgramSpec = {
    "title": {"en": "Connections to work", "fr": "Passerelles vers l'emploi"},
    "description": {
        "en": "Mentoring with professionals in your field, a peer networking circle, hiring events with local employers and follow-up once you are hired.",
        "fr": "Mentorat avec des professionnels de votre domaine, cercle de réseautage entre pairs, salons de l'emploi avec des employeurs locaux et suivi après l'embauche.",
    },
    "elements": [
        (
            "mentoring",
            ServiceType.MENTORING,
            {"en": "Mentoring", "fr": "Mentorat"},
            "mentor mentoring mentorat",
        ),
        (
            "networking",
            ServiceType.NETWORKING,
            {"en": "Networking circle", "fr": "Cercle de réseautage"},
            "networking network reseautage peers",
        ),
        (
            "hiring",
            ServiceType.HIRING_EVENT,
            {"en": "Hiring event", "fr": "Salon de l'emploi"},
            "hiring employers jobs fair embauche employeurs",
        ),
        (
            "post_hire",
            ServiceType.POST_HIRE,
            {"en": "Post-hire follow-up", "fr": "Suivi après l'embauche"},
            "post hire follow up new job suivi",
        ),
    ],
    # Hiring events and mentoring need people who can work in Canada now.
    "pre_arrival_allowed": False,
    "categories": [
        ImmigrationCategory.PERMANENT_RESIDENT,
        ImmigrationCategory.PROTECTED_PERSON,
        ImmigrationCategory.TEMPORARY_WORKER,
        ImmigrationCategory.TEMPORARY_OTHER,
        ImmigrationCategory.CITIZEN,
    ],
}
PRE_ARRIVAL_TEMPLATE: ProgramSpec = {
    "title": {
        "en": "Pre-arrival employment orientation",
        "fr": "Orientation à l'emploi avant l'arrivée",
    },
    "description": {
        "en": "Online sessions for people approved to come to Canada: credentials, the job market in your province, your first weeks.",
        "fr": "Séances en ligne pour les personnes autorisées à venir au Canada : titres de compétences, marché du travail de votre province, vos premières semaines.",
    },
    "elements": [
        (
            "pre_intake",
            ServiceType.INTAKE,
            {"en": "Pre-arrival information session", "fr": "Séance d'information avant l'arrivée"},
            "pre arrival information avant arrivee",
        ),
        (
            "credentials",
            ServiceType.WORKSHOP,
            {
                "en": "Getting your credentials recognized",
                "fr": "Faire reconnaître vos titres de compétences",
            },
            "credentials recognition diplomas titres competences",
        ),
    ],
}

# (element key, day offset, local start "HH:MM", hours, delivery mode, seats in the room, seats
# online, "rural" to use the rural site, occurrences of a weekly series)
PLAN = [
    ("intake", 1, "10:00", 1.5, DeliveryMode.ONLINE, 0, 30, False, 1),
    ("resume", 2, "13:30", 2, DeliveryMode.HYBRID, 3, 15, False, 1),
    ("networking", 3, "18:00", 2, DeliveryMode.IN_PERSON, 12, 0, False, 1),
    ("interview", 4, "10:00", 2, DeliveryMode.HYBRID, 10, 10, False, 4),
    ("digital", 6, "13:00", 3, DeliveryMode.IN_PERSON, 8, 0, True, 1),
    ("mentoring", 8, "17:30", 1, DeliveryMode.ONLINE, 0, 2, False, 1),
    ("hiring", 10, "11:00", 4, DeliveryMode.HYBRID, 40, 100, False, 1),
    ("job_search", 12, "09:30", 3, DeliveryMode.IN_PERSON, 6, 0, True, 1),
    ("post_hire", 15, "18:30", 1, DeliveryMode.ONLINE, 0, 10, False, 1),
    ("resume", 20, "13:30", 2, DeliveryMode.HYBRID, 12, 15, True, 1),
    ("intake", 27, "10:00", 1.5, DeliveryMode.HYBRID, 15, 30, False, 1),
    ("pre_intake", 5, "08:00", 1.5, DeliveryMode.ONLINE, 0, 50, False, 1),
]
# Past sessions, completed, with attendance: (element key, days ago, mode, seats, recording?)
PAST = [
    ("resume", 7, DeliveryMode.HYBRID, 10, True),
    ("networking", 3, DeliveryMode.IN_PERSON, 12, False),
]


def load(demo: DemoNetwork) -> None:
    template = _template(demo)
    for agency in demo.agencies.values():
        if Program.objects.filter(agency=agency).exists():
            continue
        _load_agency(agency, template)


def _template(demo: DemoNetwork) -> Program:
    template = Program.objects.filter(network=demo.network, agency__isnull=True).first()
    if template is None:
        template = Program.objects.create(
            network=demo.network,
            agency=None,
            title=T(PRE_ARRIVAL_TEMPLATE["title"]),
            description=T(PRE_ARRIVAL_TEMPLATE["description"]),
            pre_arrival_only=True,
        )
        for position, (_key, service_type, title, _topic) in enumerate(
            PRE_ARRIVAL_TEMPLATE["elements"]
        ):
            services.service_element_create(
                program=template,
                actor=None,
                service_type=service_type,
                title=T(title),
                position=position,
            )
    return template


def _load_agency(agency: Agency, template: Program) -> None:
    elements: dict[str, ServiceElement] = {}
    topics: dict[str, str] = {}
    for spec in (ESSENTIALS, CONNECTIONS):
        program = services.program_create(
            agency=agency,
            actor=None,
            title=T(spec["title"]),
            description=T(spec["description"]),
            pre_arrival_allowed=spec.get("pre_arrival_allowed", True),
            eligible_immigration_categories=spec.get("categories", ()),
        )
        for position, (key, service_type, title, topic) in enumerate(spec["elements"]):
            elements[key] = services.service_element_create(
                program=program,
                actor=None,
                service_type=service_type,
                title=T(title),
                position=position,
            )
            topics[key] = topic
    if agency.slug == "pnec":  # one agency has adopted the network's pre-arrival template
        adopted = services.program_adopt(template=template, agency=agency, actor=None)
        services.program_update(
            program=adopted,
            actor=None,
            title=adopted.title,
            description=adopted.description,
            is_published=True,
            pre_arrival_only=True,
        )
        for element, (key, *_rest, topic) in zip(
            adopted.elements.order_by("position"), PRE_ARRIVAL_TEMPLATE["elements"], strict=True
        ):
            elements[key], topics[key] = element, topic

    zone = ZoneInfo(agency.time_zone)
    today = timezone.now().astimezone(zone).date()
    locations = {
        location.kind: location
        for location in Location.objects.filter(agency=agency).order_by("-id")
    }
    facilitators = [
        m.user
        for m in Membership.objects.filter(agency=agency, role=Role.FACILITATOR).select_related(
            "user"
        )
    ]
    language = SessionLanguage.FR if agency.default_language == "fr" else SessionLanguage.EN
    opening = demo_opening_hours(agency)
    sessions: dict[str, Session] = {}
    for key, days, start, hours, mode, room, online, rural, occurrences in PLAN:
        if key not in elements:
            continue
        day = today + timedelta(days=days)
        if opening is not None and mode != DeliveryMode.ONLINE:
            day = _open_day(opening, day, occurrences)
        starts_at = _at(day, start, zone)
        location = locations.get(LocationKind.RURAL) if rural else None
        details = SessionDetails(
            element=elements[key],
            title=elements[key].title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            delivery_mode=mode,
            in_person_capacity=room,
            location=location or locations.get(LocationKind.URBAN),
            online_capacity=online,
            language=language,
            topic=topics[key],
            facilitators=facilitators[:1],
        )
        created = services.session_create_series(
            agency=agency, actor=None, details=details, occurrences=occurrences
        )
        sessions.setdefault(key, created[0])
    _register_clients(agency, sessions)
    for key, days_ago, mode, seats, recorded in PAST:
        _past_session(
            agency,
            elements[key],
            topics[key],
            today - timedelta(days=days_ago),
            mode,
            seats,
            recorded,
            locations,
            language,
        )


def _open_day(opening: OpeningHours, day: date, occurrences: int) -> date:
    """The first day from `day` on which the offices are open for every weekly occurrence
    (the assistant tells clients the offices are closed on weekends and holidays)."""
    for shift in range(21):
        first = day + timedelta(days=shift)
        if all(is_open_on(opening, first + timedelta(weeks=n)) for n in range(occurrences)):
            return first
    return day


def _at(day: date, hhmm: str, zone: ZoneInfo) -> datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=zone)


def _register_clients(agency: Agency, sessions: dict[str, Session]) -> None:
    """Fill the small sessions past capacity (waitlists) and spread the others."""
    clients = list(Client.objects.filter(agency=agency).order_by("id"))
    if not clients:
        return
    channels = ["web", "assistant", "staff", "web"]
    plan = [
        ("resume", AttendanceMode.IN_PERSON, clients[:5]),  # 3 seats: 2 on the waitlist
        ("resume", AttendanceMode.ONLINE, clients[5:9]),
        # 2 seats: 2 on the waitlist, among them the demo client who can sign in
        ("mentoring", AttendanceMode.ONLINE, clients[1:4] + clients[:1]),
        ("intake", AttendanceMode.ONLINE, clients[6:14]),
        ("interview", AttendanceMode.IN_PERSON, clients[2:8]),
        ("interview", AttendanceMode.ONLINE, clients[8:12]),
        ("networking", AttendanceMode.IN_PERSON, clients[1:7]),
        ("hiring", AttendanceMode.ONLINE, clients[:10]),
        ("digital", AttendanceMode.IN_PERSON, clients[9:13]),
        ("pre_intake", AttendanceMode.ONLINE, clients),
    ]
    for index, (key, mode, people) in enumerate(plan):
        if key not in sessions:
            continue
        for person in people:
            channel = channels[(index + person.pk) % len(channels)]
            try:
                services.registration_create(
                    session=sessions[key],
                    client=person,
                    mode=mode,
                    actor=None,
                    channel=channel,
                    # In the agency's language: staff read it on their session page.
                    override_reason=(
                        "Démo : inscrit·e à l'accueil."
                        if agency.default_language == "fr"
                        else "Demo: registered at the front desk."
                    )
                    if channel == "staff"
                    else "",
                )
            except RegistrationRefused:
                continue  # not eligible for that program, or already registered


def _past_session(
    agency: Agency,
    element: ServiceElement,
    topic: str,
    day: date,
    mode: str,
    seats: int,
    recorded: bool,
    locations: dict[str, Location],
    language: str,
) -> None:
    """A completed session with attendance (written directly: the services refuse the past)."""
    starts_at = _at(day, "13:30", ZoneInfo(agency.time_zone))
    online = seats if mode == DeliveryMode.HYBRID else 0
    session = Session.objects.create(
        agency=agency,
        element=element,
        title=element.title,
        topic=topic,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        delivery_mode=mode,
        in_person_capacity=seats,
        location=locations.get(LocationKind.URBAN),
        online_capacity=online,
        join_url=services.jitsi_room_url(agency=agency) if online else "",
        language=language,
        status=SessionStatus.COMPLETED,
    )
    services.sessions_refresh_search_text(sessions=Session.objects.filter(pk=session.pk))
    for number, client in enumerate(Client.objects.filter(agency=agency).order_by("id")[:9]):
        in_room = number % 3 != 2 or online == 0
        came = number % 4 != 3
        Registration.objects.create(
            agency=agency,
            session=session,
            client=client,
            status=RegistrationStatus.CONFIRMED,
            mode=AttendanceMode.IN_PERSON if in_room else AttendanceMode.ONLINE,
            created_at=starts_at - timedelta(days=5, hours=number),
            attendance=AttendanceStatus.ATTENDED if came else AttendanceStatus.NO_SHOW,
            attended_mode=(AttendanceMode.IN_PERSON if in_room else AttendanceMode.ONLINE)
            if came
            else "",
            checked_in_at=starts_at - timedelta(minutes=5 - number) if came else None,
            check_in_method=(CheckInMethod.DOOR if in_room else CheckInMethod.JOIN_LINK)
            if came
            else "",
        )
    if recorded:
        Recording.objects.create(
            agency=agency,
            session=session,
            title=element.title,
            url="https://videos.example.org/tremplin-demo/resume-workshop",
        )
