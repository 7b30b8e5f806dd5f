"""Demo employers: organisations and their contacts, job postings in English and French,
hiring events (each agency's hybrid hiring fair, plus a virtual one at PNEC) with tables,
breakout rooms and booked time slots, mentors, mentee requests and approved matches.

Idempotent: an agency that already has employers is left as it is (the demo employer
contact of the agencies loader is linked to its first employer every time, cheaply).
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone
from i18nfield.strings import LazyI18nString

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency
from tremplin.clients.models import Client, ConsentPurpose
from tremplin.clients.selectors import consent_allows
from tremplin.core.choices import DeliveryMode
from tremplin.core.demodata import DemoNetwork
from tremplin.employers import services
from tremplin.employers.models import (
    Availability,
    Employer,
    EmployerContact,
    EmploymentType,
    FeedbackSide,
    MatchMode,
    MatchStatus,
    MentorProfile,
    ShareableField,
    SizeBand,
    WageUnit,
    WorkMode,
)
from tremplin.employers.selectors import network_employers_shared
from tremplin.programs import services as program_services
from tremplin.programs.models import (
    AttendanceMode,
    Registration,
    RegistrationStatus,
    ServiceElement,
    ServiceType,
    Session,
    SessionLanguage,
)
from tremplin.programs.services import RegistrationRefused, SessionDetails


def T(en: str, fr: str) -> LazyI18nString:
    return LazyI18nString({"en": en, "fr": fr})


# (name, sector, size, city, shared with the network, postings)
# posting: (title en, title fr, NOC, work mode, type, hours, wage min, wage max, unit,
#           CLB en, CLB fr, days until closing)
EMPLOYERS: dict[str, list[tuple]] = {
    "pnec": [
        (
            "Prairie Health Services",
            "62",
            SizeBand.FROM_500,
            "Calgary",
            True,
            [
                (
                    "Registered nurse",
                    "Infirmière autorisée ou infirmier autorisé",
                    "31301",
                    WorkMode.ON_SITE,
                    EmploymentType.FULL_TIME,
                    37,
                    "41.00",
                    "52.00",
                    WageUnit.HOUR,
                    7,
                    None,
                    30,
                ),
                (
                    "Patient care aide",
                    "Préposé ou préposée aux soins",
                    "33102",
                    WorkMode.ON_SITE,
                    EmploymentType.PART_TIME,
                    24,
                    "21.50",
                    "24.00",
                    WageUnit.HOUR,
                    5,
                    None,
                    21,
                ),
            ],
        ),
        (
            "Bow Valley Software",
            "54",
            SizeBand.UNDER_500,
            "Calgary",
            False,
            [
                (
                    "Junior software developer",
                    "Développeuse ou développeur de logiciels junior",
                    "21232",
                    WorkMode.REMOTE,
                    EmploymentType.FULL_TIME,
                    40,
                    "65000",
                    "80000",
                    WageUnit.YEAR,
                    7,
                    None,
                    28,
                ),
                (
                    "QA tester",
                    "Testeuse ou testeur en assurance qualité",
                    "22222",
                    WorkMode.HYBRID,
                    EmploymentType.CONTRACT,
                    37,
                    "28.00",
                    "34.00",
                    WageUnit.HOUR,
                    6,
                    None,
                    14,
                ),
            ],
        ),
        (
            "Chinook Accounting",
            "54",
            SizeBand.UNDER_500,
            "Calgary, Airdrie",
            True,
            [
                (
                    "Junior accountant",
                    "Comptable junior",
                    "11100",
                    WorkMode.HYBRID,
                    EmploymentType.FULL_TIME,
                    37,
                    "55000",
                    "62000",
                    WageUnit.YEAR,
                    None,
                    None,
                    25,
                ),
                (
                    "Bookkeeper",
                    "Teneuse ou teneur de livres",
                    "12200",
                    WorkMode.ON_SITE,
                    EmploymentType.PART_TIME,
                    20,
                    "24.00",
                    "27.00",
                    WageUnit.HOUR,
                    4,
                    None,
                    18,
                ),
            ],
        ),
        (
            "Stampede Grill",
            "72",
            SizeBand.UNDER_500,
            "Calgary",
            False,
            [
                (
                    "Line cook",
                    "Cuisinière ou cuisinier de ligne",
                    "63200",
                    WorkMode.ON_SITE,
                    EmploymentType.FULL_TIME,
                    40,
                    "18.50",
                    "21.00",
                    WageUnit.HOUR,
                    4,
                    None,
                    20,
                ),
                (
                    "Server",
                    "Serveuse ou serveur",
                    "65200",
                    WorkMode.ON_SITE,
                    EmploymentType.PART_TIME,
                    25,
                    "16.00",
                    "17.50",
                    WageUnit.HOUR,
                    5,
                    None,
                    12,
                ),
            ],
        ),
    ],
    "harbour": [
        (
            "Atlantic Logistics",
            "48-49",
            SizeBand.FROM_500,
            "Halifax, Dartmouth",
            False,
            [
                (
                    "Transport truck driver",
                    "Conductrice ou conducteur de camion",
                    "73300",
                    WorkMode.ON_SITE,
                    EmploymentType.FULL_TIME,
                    45,
                    "26.00",
                    "31.00",
                    WageUnit.HOUR,
                    5,
                    None,
                    30,
                ),
                (
                    "Shipper and receiver",
                    "Expéditrice ou expéditeur",
                    "14400",
                    WorkMode.ON_SITE,
                    EmploymentType.FULL_TIME,
                    40,
                    "19.00",
                    "22.00",
                    WageUnit.HOUR,
                    4,
                    None,
                    16,
                ),
                # Closed three days ago: the public page says so, clients no longer see it.
                (
                    "Warehouse material handler",
                    "Manutentionnaire d'entrepôt",
                    "75101",
                    WorkMode.ON_SITE,
                    EmploymentType.SEASONAL,
                    40,
                    "17.00",
                    "18.00",
                    WageUnit.HOUR,
                    None,
                    None,
                    -3,
                ),
            ],
        ),
        (
            "Harbour Café",
            "72",
            SizeBand.UNDER_500,
            "Halifax",
            True,
            [
                (
                    "Server",
                    "Serveuse ou serveur",
                    "65200",
                    WorkMode.ON_SITE,
                    EmploymentType.PART_TIME,
                    24,
                    "15.50",
                    "17.00",
                    WageUnit.HOUR,
                    4,
                    None,
                    15,
                ),
                (
                    "Cook",
                    "Cuisinière ou cuisinier",
                    "63200",
                    WorkMode.ON_SITE,
                    EmploymentType.FULL_TIME,
                    40,
                    "18.00",
                    "20.00",
                    WageUnit.HOUR,
                    4,
                    None,
                    22,
                ),
            ],
        ),
    ],
    "carrefour": [
        (
            "Coopérative Santé Acadie",
            "62",
            SizeBand.UNDER_500,
            "Moncton, Dieppe",
            True,
            [
                (
                    "Patient service associate",
                    "Préposée ou préposé aux bénéficiaires",
                    "33102",
                    WorkMode.ON_SITE,
                    EmploymentType.FULL_TIME,
                    37,
                    "20.00",
                    "23.50",
                    WageUnit.HOUR,
                    None,
                    4,
                    26,
                ),
                (
                    "Registered nurse",
                    "Infirmière autorisée ou infirmier autorisé",
                    "31301",
                    WorkMode.ON_SITE,
                    EmploymentType.FULL_TIME,
                    37,
                    "38.00",
                    "50.00",
                    WageUnit.HOUR,
                    None,
                    7,
                    30,
                ),
            ],
        ),
        (
            "Garage Dieppe Auto",
            "81",
            SizeBand.UNDER_500,
            "Dieppe",
            False,
            [
                (
                    "Automotive service technician",
                    "Technicienne ou technicien automobile",
                    "72410",
                    WorkMode.ON_SITE,
                    EmploymentType.FULL_TIME,
                    40,
                    "24.00",
                    "32.00",
                    WageUnit.HOUR,
                    None,
                    5,
                    24,
                ),
            ],
        ),
    ],
}
DESCRIPTION = (
    "We are looking for a {title} to join our team. Newcomers to Canada are welcome; "
    "we offer training and a mentor during the first months.",
    "Nous cherchons une personne pour le poste de {title}. Les personnes nouvellement "
    "arrivées au Canada sont les bienvenues; nous offrons une formation et un mentor les "
    "premiers mois.",
)
# (first, last, NOC, languages, modes, lives in, availability, capacity)
MENTORS: dict[str, list[tuple]] = {
    "pnec": [
        (
            "Karen",
            "Olsen",
            "31301",
            ["en"],
            [MatchMode.IN_PERSON, MatchMode.ONLINE],
            "urban",
            [Availability.WEEKDAY_EVENING],
            2,
        ),
        (
            "Raj",
            "Patel",
            "21232",
            ["en", "pa", "hi"],
            [MatchMode.ONLINE],
            "urban",
            [Availability.WEEKDAY_EVENING, Availability.WEEKEND],
            2,
        ),
        (
            "Lucía",
            "Fernández",
            "11100",
            ["en", "es"],
            [MatchMode.ONLINE],
            "urban",
            [Availability.WEEKDAY_DAY],
            1,
        ),
    ],
    "harbour": [
        (
            "Tom",
            "MacNeil",
            "73300",
            ["en"],
            [MatchMode.IN_PERSON],
            "urban",
            [Availability.WEEKEND],
            1,
        ),
        (
            "Grace",
            "Adeyemi",
            "65200",
            ["en", "yo"],
            [MatchMode.ONLINE, MatchMode.IN_PERSON],
            "urban",
            [Availability.WEEKDAY_DAY, Availability.WEEKDAY_EVENING],
            2,
        ),
    ],
    "carrefour": [
        (
            "Chantal",
            "LeBlanc",
            "33102",
            ["fr", "en"],
            [MatchMode.IN_PERSON, MatchMode.ONLINE],
            "urban",
            [Availability.WEEKDAY_EVENING],
            2,
        ),
        (
            "Marc-André",
            "Cormier",
            "72410",
            ["fr"],
            [MatchMode.IN_PERSON],
            "urban",
            [Availability.WEEKEND],
            1,
        ),
    ],
}


def load(demo: DemoNetwork) -> None:
    for slug, employers in EMPLOYERS.items():
        agency = demo.agencies.get(slug) or Agency.objects.filter(slug=slug).first()
        if agency is None:
            continue
        if not Employer.objects.filter(agency=agency).exists():
            _load_agency(agency, employers)
        _link_demo_contact(agency)


def _link_demo_contact(agency: Agency) -> None:
    """The agencies loader's demo employer contact acts for the agency's first employer."""
    user = User.objects.filter(email=f"hiring@employer-{agency.slug}.example.org").first()
    employer = Employer.objects.filter(agency=agency).order_by("id").first()
    if user is None or employer is None:
        return
    contact = EmployerContact.objects.filter(agency=agency, user=user).first()
    if contact is None:
        contact = services.employer_contact_add(
            employer=employer,
            actor=None,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            job_title="Talent acquisition",
        )
    # The demo contact also mentors: they sign in and see their own mentees only.
    if not MentorProfile.objects.filter(contact=contact).exists():
        mentor = (
            MentorProfile.objects.filter(agency=agency, matches__status=MatchStatus.ACTIVE)
            .order_by("id")
            .first()
        )
        if mentor is not None:
            mentor.employer = contact.employer  # a mentor signs in as a contact of their employer
            mentor.save(update_fields=["employer"])
            services.mentor_link_contact(mentor=mentor, contact=contact, actor=None)


def _load_agency(agency: Agency, specs: list[tuple]) -> None:
    zone = ZoneInfo(agency.time_zone)
    today = timezone.now().astimezone(zone).date()
    employers = []
    for name, sector, size, city, shared, postings in specs:
        employer = services.employer_create(
            agency=agency,
            actor=None,
            name=name,
            sector=sector,
            size_band=size,
            locations=city,
            website=f"https://{name.lower().replace(' ', '').replace('é', 'e')}.example.com",
            description=T(
                f"{name} hires newcomers and works with the agency.",
                f"{name} embauche des personnes nouvellement arrivées avec l'agence.",
            ),
        )
        if shared:  # with the employer's agreement, recorded
            services.employer_network_share(
                employer=employer, actor=None, consent_by=f"Hiring manager, {name}"
            )
        employers.append(employer)
        for spec in postings:
            _posting(agency, employer, spec, city.split(",")[0], today)
    clients = list(Client.objects.filter(agency=agency).order_by("id"))
    _interests(agency, clients)
    _hiring_events(agency, employers, clients, zone, today)
    _mentoring(agency, employers, clients, today)


def _posting(agency: Agency, employer: Employer, spec: tuple, city: str, today: date) -> None:
    (title_en, title_fr, noc, mode, kind, hours, low, high, unit, clb_en, clb_fr, days) = spec
    fields = {
        "title": T(title_en, title_fr),
        "description": T(
            DESCRIPTION[0].format(title=title_en.lower()),
            DESCRIPTION[1].format(title=title_fr.lower()),
        ),
        "noc_code": noc,
        "city": "" if mode == WorkMode.REMOTE else city,
        "province": agency.province,
        "work_mode": mode,
        "employment_type": kind,
        "hours_per_week": hours,
        "wage_min": Decimal(low),
        "wage_max": Decimal(high),
        "wage_unit": unit,
        "min_clb_english": clb_en,
        "min_clb_french": clb_fr,
        "closing_date": today + timedelta(days=max(days, 0)),
    }
    posting = services.job_posting_create(employer=employer, actor=None, publish=True, **fields)
    if days < 0:  # a posting whose closing date has passed (written directly: the service refuses)
        type(posting).objects.filter(pk=posting.pk).update(
            closing_date=today + timedelta(days=days)
        )


def _interests(agency: Agency, clients: list[Client]) -> None:
    """Clients who agreed to share with employers tell the employers of matching jobs."""
    from tremplin.employers.selectors import job_postings_open, postings_matched_for_client

    sharing = [
        client
        for client in clients
        if consent_allows(client=client, purpose=ConsentPurpose.SHARE_WITH_EMPLOYERS)
    ]
    pairs = [
        (client, match.posting)
        for client in sharing
        for match in postings_matched_for_client(client=client, limit=1)
    ]
    if not pairs and sharing:  # every agency shows at least one candidate on a shortlist
        first_open = job_postings_open(agency=agency).order_by("id").first()
        pairs = [(sharing[0], first_open)] if first_open else []
    for client, posting in pairs:
        services.job_interest_create(
            posting=posting,
            client=client,
            actor=client.user,
            shared_fields=[
                ShareableField.NAME,
                ShareableField.EMAIL,
                ShareableField.OCCUPATION,
                ShareableField.LANGUAGES,
            ],
            consent=True,
        )


def _hiring_element(agency: Agency) -> ServiceElement | None:
    return (
        ServiceElement.objects.filter(agency=agency, service_type=ServiceType.HIRING_EVENT)
        .order_by("id")
        .first()
    )


def _hiring_events(
    agency: Agency, employers: list[Employer], clients: list[Client], zone: ZoneInfo, today: date
) -> None:
    element = _hiring_element(agency)
    if element is None:
        return
    fair = (
        Session.objects.filter(agency=agency, element=element, hiring_event__isnull=True)
        .order_by("starts_at")
        .first()
    )
    if fair is not None:  # the hybrid hiring fair of the programs demo
        event = services.hiring_event_create(
            session=fair,
            actor=None,
            notes_for_employers="Tables are in the main hall; online candidates join your "
            "breakout room at their booked time.",
        )
        for number, employer in enumerate(employers[:3], start=1):
            participant = services.hiring_event_add_employer(
                event=event,
                employer=employer,
                actor=None,
                table=f"Table {number}",
                breakout_url=f"https://meet.jit.si/tremplin-{agency.slug}-fair-{number}",
            )
            services.time_slots_generate(
                participant=participant,
                actor=None,
                start=fair.starts_at,
                end=fair.starts_at + timedelta(hours=2),
                minutes=20,
            )
        # An employer another agency of the network shares (with its consent) joins online.
        for guest in network_employers_shared(agency=agency)[:1]:
            services.hiring_event_add_employer(
                event=event,
                employer=guest,
                actor=None,
                breakout_url=f"https://meet.jit.si/tremplin-{agency.slug}-fair-guest",
            )
        _book_slots(event, clients)
    if agency.slug == "pnec":  # a virtual hiring event, online only, with breakout rooms
        starts_at = datetime.combine(today + timedelta(days=17), time(12, 0), tzinfo=zone)
        session = program_services.session_create(
            agency=agency,
            actor=None,
            details=SessionDetails(
                element=element,
                title=T(
                    "Virtual hiring event: health and tech",
                    "Salon virtuel de l'emploi : santé et techno",
                ),
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3),
                delivery_mode=DeliveryMode.ONLINE,
                in_person_capacity=0,
                location=None,
                online_capacity=80,
                language=SessionLanguage.BILINGUAL,
                topic="hiring employers jobs virtual embauche emploi virtuel",
                facilitators=[],
            ),
        )
        event = services.hiring_event_create(session=session, actor=None)
        for number, employer in enumerate(employers[:2], start=1):
            participant = services.hiring_event_add_employer(
                event=event,
                employer=employer,
                actor=None,
                breakout_url=f"https://meet.jit.si/tremplin-pnec-virtual-{number}",
            )
            services.time_slots_generate(
                participant=participant,
                actor=None,
                start=starts_at,
                end=starts_at + timedelta(hours=2),
                minutes=15,
            )
        for client in clients[:4]:
            try:
                program_services.registration_create(
                    session=session, client=client, mode=AttendanceMode.ONLINE, actor=None
                )
            except RegistrationRefused:
                continue
        _book_slots(event, clients)


def _book_slots(event: object, clients: list[Client]) -> None:
    """Registered clients book the first free slots; every third does not share their profile."""
    from tremplin.employers.models import HiringEvent, TimeSlot

    assert isinstance(event, HiringEvent)
    registered = [
        client
        for client in clients
        if Registration.objects.filter(
            session=event.session, client=client, status=RegistrationStatus.CONFIRMED
        ).exists()
    ][:4]
    slots = list(
        TimeSlot.objects.filter(participant__event=event).order_by("participant", "starts_at")
    )
    for number, (client, slot) in enumerate(zip(registered, slots[::2], strict=False)):
        try:
            services.slot_book(slot=slot, client=client, actor=None, share_profile=number % 3 != 2)
        except services.EmployersError:
            continue


def _mentoring(
    agency: Agency, employers: list[Employer], clients: list[Client], today: date
) -> None:
    for number, spec in enumerate(MENTORS.get(agency.slug, [])):
        first, last, noc, languages, modes, lives, availability, capacity = spec
        services.mentor_create(
            agency=agency,
            actor=None,
            employer=employers[number % len(employers)],
            first_name=first,
            last_name=last,
            email=f"{first}.{last}@mentors.example.org".lower().replace("í", "i").replace("é", "e"),
            noc_code=noc,
            sector=employers[number % len(employers)].sector,
            languages=languages,
            modes=modes,
            location_type=lives,
            availability=availability,
            capacity=capacity,
        )
    official = "fr" if agency.default_language == "fr" else "en"
    for client in clients[:5]:
        if not client.noc_code:
            continue
        services.mentee_request_create(
            client=client,
            actor=None,
            noc_code=client.noc_code,
            languages=sorted({official, client.preferred_language}),
            modes=[MatchMode.ONLINE, MatchMode.IN_PERSON]
            if client.pk % 2
            else [MatchMode.IN_PERSON],
            availability=[Availability.WEEKDAY_EVENING, Availability.WEEKEND],
            shared_fields=[ShareableField.OCCUPATION, ShareableField.LANGUAGES],
        )
    proposals = services.mentoring_propose(agency=agency, actor=None)
    for match in proposals[:2]:
        approved = services.mentoring_match_approve(match=match, actor=None)
        services.mentoring_meeting_log(
            match=approved,
            actor=None,
            met_on=today,
            mode=MatchMode.ONLINE,
            duration_minutes=60,
            notes="First conversation: goals and the local job market.",
        )
        services.mentoring_feedback_give(
            match=approved, actor=None, side=FeedbackSide.MENTEE, rating=5, comment="Very useful."
        )
        services.mentoring_feedback_give(
            match=approved, actor=None, side=FeedbackSide.MENTOR, rating=4, comment="Motivated."
        )
