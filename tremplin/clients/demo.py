"""Demo clients: varied origins, languages, arrival stages and places (urban, rural, pre-arrival).

Each record is created once, then enriched once (full profile, languages, consents, and for
most of them a digital assessment, a needs assessment, referrals and case notes), through the
services so that search text, pointers and the audit log are as in real use. A record counts
as enriched when its education level is set, so running the demo again changes nothing.
"""

from datetime import date, timedelta

from tremplin.agencies.models import Agency, Membership
from tremplin.agencies.roles import Role
from tremplin.agencies.services import membership_grant
from tremplin.clients.models import (
    ArrivalStatus,
    Client,
    ConsentPurpose,
    EducationLevel,
    ImmigrationCategory,
    LocationType,
    Need,
    Priority,
    ReferralKind,
    ReferralStatus,
)
from tremplin.clients.services import (
    LanguageEntry,
    case_note_create,
    client_assign_counsellor,
    client_complete_intake,
    client_create,
    client_set_languages,
    client_update,
    client_update_contact_preferences,
    consent_give,
    digital_assessment_record,
    needs_assessment_create,
    referral_create,
    referral_set_status,
)
from tremplin.core.demodata import DemoNetwork

PR = ImmigrationCategory.PERMANENT_RESIDENT
REFUGEE = ImmigrationCategory.PROTECTED_PERSON
WORKER = ImmigrationCategory.TEMPORARY_WORKER
STUDENT = ImmigrationCategory.TEMPORARY_STUDENT
PRE = ArrivalStatus.PRE_ARRIVAL
IN = ArrivalStatus.ARRIVED
URBAN, RURAL, REMOTE = LocationType.URBAN, LocationType.RURAL, LocationType.REMOTE

# (first, last, language, phone, arrival, category, location type, has a login)
CLIENTS = {
    "pnec": [
        ("Maria", "Santos", "tl", "+14035550111", IN, PR, URBAN, True),
        ("Ahmad", "Rahimi", "fa", "+14035550112", IN, REFUGEE, URBAN, True),
        ("Gurpreet", "Kaur", "pa", "+14035550113", IN, PR, RURAL, False),
        (
            "Olena",
            "Kovalenko",
            "uk",
            "+14035550114",
            IN,
            ImmigrationCategory.TEMPORARY_OTHER,
            URBAN,
            False,
        ),
        ("Carlos", "Mendoza", "es", "+14035550115", PRE, PR, URBAN, False),
        ("Wei", "Zhang", "zh", "+14035550116", IN, WORKER, URBAN, False),
        ("Samira", "Al-Hassan", "ar", "+14035550117", IN, REFUGEE, RURAL, False),
        ("Joseph", "Mensah", "en", "+14035550118", IN, PR, URBAN, False),
        ("Anh", "Nguyen", "vi", "+14035550119", IN, STUDENT, URBAN, False),
        ("Luis", "Herrera", "es", "+14035550120", IN, WORKER, RURAL, False),
        ("Fatuma", "Abdi", "so", "+14035550121", IN, REFUGEE, URBAN, False),
        ("Rajesh", "Patel", "gu", "+14035550122", PRE, PR, URBAN, False),
        (
            "Iryna",
            "Shevchenko",
            "uk",
            "+14035550123",
            IN,
            ImmigrationCategory.TEMPORARY_OTHER,
            RURAL,
            False,
        ),
        ("Tesfaye", "Haile", "ti", "+14035550124", IN, REFUGEE, URBAN, False),
        ("Ana", "Ferreira", "pt", "+14035550125", PRE, WORKER, URBAN, False),
        ("Mohammed", "Karimi", "ar", "+14035550126", IN, PR, REMOTE, False),
    ],
    "carrefour": [
        ("Aïcha", "Diallo", "fr", "+15065550131", IN, PR, URBAN, True),
        ("Jean-Baptiste", "Nkurunziza", "fr", "+15065550132", IN, REFUGEE, URBAN, False),
        ("Fatou", "Ndiaye", "fr", "+15065550133", PRE, PR, URBAN, False),
        ("Youssef", "El Amrani", "ar", "+15065550134", IN, STUDENT, URBAN, False),
        ("Marie-Claire", "Kabongo", "fr", "+15065550135", IN, PR, RURAL, False),
        ("Stéphanie", "Joseph", "ht", "+15065550136", IN, WORKER, URBAN, False),
        ("Rania", "Haddad", "ar", "+15065550137", IN, REFUGEE, URBAN, False),
        ("Koffi", "Mensah", "fr", "+15065550138", PRE, PR, URBAN, False),
        ("Mamadou", "Traoré", "fr", "+15065550139", IN, WORKER, RURAL, False),
        ("Linh", "Tran", "vi", "+15065550140", IN, STUDENT, URBAN, False),
        ("Pierre", "Étienne", "fr", "+15065550141", IN, PR, REMOTE, False),
        ("Hawa", "Camara", "fr", "+15065550142", IN, REFUGEE, URBAN, False),
        ("Cédric", "Mbappé", "fr", "+15065550143", PRE, WORKER, URBAN, False),
        ("Nour", "Saleh", "ar", "+15065550144", IN, PR, URBAN, False),
    ],
    "harbour": [
        ("Daniel", "Okonkwo", "en", "+19025550151", IN, PR, URBAN, True),
        ("Leila", "Moradi", "fa", "+19025550152", IN, REFUGEE, URBAN, False),
        ("Harpreet", "Gill", "pa", "+19025550153", IN, WORKER, RURAL, False),
        (
            "Svitlana",
            "Melnyk",
            "uk",
            "+19025550154",
            PRE,
            ImmigrationCategory.TEMPORARY_OTHER,
            URBAN,
            False,
        ),
        ("Jose", "Reyes", "tl", "+19025550155", IN, WORKER, RURAL, False),
        ("Mei", "Lin", "zh", "+19025550156", IN, STUDENT, URBAN, False),
        ("Abdullah", "Noori", "ps", "+19025550157", IN, REFUGEE, URBAN, False),
        ("Valentina", "Gómez", "es", "+19025550158", IN, PR, URBAN, False),
        ("Kwame", "Asante", "en", "+19025550159", PRE, PR, URBAN, False),
        ("Hana", "Yilmaz", "tr", "+19025550160", IN, WORKER, REMOTE, False),
        ("Ravi", "Sharma", "hi", "+19025550161", IN, PR, URBAN, False),
        ("Amal", "Hussein", "ar", "+19025550162", IN, REFUGEE, RURAL, False),
        (
            "Dmytro",
            "Ivanenko",
            "uk",
            "+19025550163",
            IN,
            ImmigrationCategory.TEMPORARY_OTHER,
            URBAN,
            False,
        ),
        ("Grace", "Umutoni", "rw", "+19025550164", IN, REFUGEE, URBAN, False),
    ],
}

# Where each agency's clients live (city for pre-arrival destinations, postal areas by place).
PLACES = {
    "pnec": {"city": "Calgary, AB", URBAN: "T2G", RURAL: "T1R", REMOTE: "T0J"},
    "carrefour": {"city": "Moncton, NB", URBAN: "E1C", RURAL: "E4P", REMOTE: "E8S"},
    "harbour": {"city": "Halifax, NS", URBAN: "B3J", RURAL: "B4N", REMOTE: "B0W"},
}
COUNTRY_OF_LANGUAGE = {
    "tl": "PH",
    "fa": "IR",
    "pa": "IN",
    "uk": "UA",
    "es": "CO",
    "zh": "CN",
    "ar": "SY",
    "en": "NG",
    "vi": "VN",
    "so": "SO",
    "gu": "IN",
    "ti": "ER",
    "pt": "BR",
    "fr": "SN",
    "ht": "HT",
    "ps": "AF",
    "tr": "TR",
    "hi": "IN",
    "rw": "RW",
}
OCCUPATIONS = [
    "63200",
    "31301",
    "21232",
    "72410",
    "11100",
    "42202",
    "73300",
    "65200",
    "41221",
    "33102",
    "14400",
    "72310",
    "13110",
    "21300",
    "64100",
    "94141",
    "85101",
    "62020",
    "12200",
    "44101",
]
EDUCATION = [
    EducationLevel.BACHELOR,
    EducationLevel.SECONDARY,
    EducationLevel.COLLEGE,
    EducationLevel.MASTER,
    EducationLevel.TRADE,
    EducationLevel.BACHELOR,
    EducationLevel.PRIMARY,
    EducationLevel.DOCTORATE,
]
GOALS = {
    "en": [
        "Work in my field again after getting my credentials recognised.",
        "Find a full-time job quickly to support my family.",
        "Improve my English and get a job in an office.",
        "Start my own small business.",
        "Get Canadian work experience in my trade.",
    ],
    "fr": [
        "Retravailler dans mon domaine après la reconnaissance de mes diplômes.",
        "Trouver rapidement un emploi à temps plein pour soutenir ma famille.",
        "Améliorer mon anglais et travailler dans un bureau.",
        "Lancer ma propre petite entreprise.",
        "Acquérir une expérience de travail canadienne dans mon métier.",
    ],
}
CHANNELS = [
    ["sms", "whatsapp"],
    ["email", "sms"],
    ["whatsapp", "phone"],
    ["phone"],
    ["email", "whatsapp", "sms"],
]
# Answer sheets of the digital questionnaire, from no access to at ease online.
DIGITAL_PROFILES = [
    {
        "devices": ["basic_phone"],
        "device_access": "none",
        "internet": "none",
        "data_plan": "none",
        "comfort_email": 0,
        "comfort_video": 0,
        "comfort_forms": 0,
        "comfort_apps": 0,
        "comfort_typing": 0,
        "uses": ["phone", "sms"],
    },
    {
        "devices": ["smartphone"],
        "device_access": "own",
        "internet": "mobile_only",
        "data_plan": "limited",
        "comfort_email": 1,
        "comfort_video": 1,
        "comfort_forms": 1,
        "comfort_apps": 2,
        "comfort_typing": 1,
        "uses": ["whatsapp", "sms", "phone"],
    },
    {
        "devices": ["smartphone", "computer"],
        "device_access": "shared",
        "internet": "home_limited",
        "data_plan": "limited",
        "comfort_email": 2,
        "comfort_video": 2,
        "comfort_forms": 1,
        "comfort_apps": 2,
        "comfort_typing": 2,
        "uses": ["email", "whatsapp", "sms"],
    },
    {
        "devices": ["smartphone", "computer"],
        "device_access": "own",
        "internet": "home_unlimited",
        "data_plan": "unlimited",
        "comfort_email": 3,
        "comfort_video": 3,
        "comfort_forms": 3,
        "comfort_apps": 3,
        "comfort_typing": 3,
        "uses": ["email", "whatsapp"],
    },
]
# Need code → Priority code, as needs_assessment_create takes them
NEEDS: list[dict[str, str]] = [
    {Need.EMPLOYMENT: Priority.HIGH, Need.CREDENTIALS: Priority.MEDIUM},
    {
        Need.LANGUAGE: Priority.HIGH,
        Need.EMPLOYMENT: Priority.MEDIUM,
        Need.CHILDCARE: Priority.MEDIUM,
    },
    {Need.EMPLOYMENT: Priority.URGENT, Need.HOUSING: Priority.HIGH},
    {
        Need.DIGITAL_SKILLS: Priority.HIGH,
        Need.TRANSPORTATION: Priority.MEDIUM,
        Need.EMPLOYMENT: Priority.MEDIUM,
    },
    {Need.EMPLOYMENT: Priority.MEDIUM, Need.MENTAL_HEALTH: Priority.MEDIUM},
]
REFERRALS: dict[str, tuple[str, str]] = {
    Need.CREDENTIALS: (ReferralKind.EXTERNAL, "World Education Services (credential evaluation)"),
    Need.LANGUAGE: (ReferralKind.EXTERNAL, "LINC language classes"),
    Need.HOUSING: (ReferralKind.EXTERNAL, "Settlement housing support"),
    Need.DIGITAL_SKILLS: (ReferralKind.INTERNAL, "Digital skills workshop"),
    Need.EMPLOYMENT: (ReferralKind.INTERNAL, "Job search workshop"),
    Need.MENTAL_HEALTH: (ReferralKind.EXTERNAL, "Newcomer mental health clinic"),
}
NOTES = {
    "en": "First meeting. Motivated; asked about evening sessions because of childcare during the day.",
    "fr": "Première rencontre. Très motivée; a demandé des séances en soirée à cause de la garde des enfants le jour.",
}


def load(demo: DemoNetwork) -> None:
    today = date.today()
    for slug, people in CLIENTS.items():
        agency = demo.agencies[slug]
        counsellors = [
            m.user
            for m in Membership.objects.filter(agency=agency, role=Role.COUNSELLOR, is_active=True)
            .select_related("user")
            .order_by("id")
        ]
        for index, spec in enumerate(people):
            client = _ensure_client(demo, agency, slug, spec)
            if not client.education_level:
                _enrich(
                    client,
                    slug=slug,
                    index=index,
                    spec=spec,
                    counsellor=counsellors[index % len(counsellors)],
                    today=today,
                )
            if client.user is not None:
                demo.logins.append((slug, "Client", client.user.email))


def _ensure_client(demo: DemoNetwork, agency: Agency, slug: str, spec: tuple) -> Client:
    first, last, language, phone, _arrival, _category, _place, has_login = spec
    client = Client.objects.filter(agency=agency, phone=phone).first()
    if client is not None:
        return client
    user = None
    if has_login:
        email = f"{first}.{last}@clients.example.org".lower().replace("ï", "i").replace(" ", "")
        user = demo.person(
            email=email,
            first_name=first,
            last_name=last,
            language="fr" if language == "fr" else "en",
        )
        membership_grant(agency=agency, user=user, role=Role.CLIENT, actor=None)
    return client_create(
        agency=agency,
        actor=None,
        user=user,
        first_name=first,
        last_name=last,
        email=user.email
        if user
        else f"{first}.{last}.{slug}@mail.example.org".lower().replace(" ", ""),
        phone=phone,
        preferred_language=language,
    )


def _enrich(client: Client, *, slug: str, index: int, spec: tuple, counsellor, today: date) -> None:
    _first, _last, language, _phone, arrival, category, place, _has_login = spec
    writer = "fr" if slug == "carrefour" else "en"
    actor = client.user if client.user_id else counsellor
    profile: dict = {
        "birth_date": date(1968 + (index * 7) % 32, 1 + index % 12, 1 + (index * 3) % 28),
        "arrival_status": arrival,
        "immigration_category": category,
        "location_type": place,
        "education_level": EDUCATION[index % len(EDUCATION)],
        "education_country": COUNTRY_OF_LANGUAGE.get(language, ""),
        "noc_code": OCCUPATIONS[(index * 3 + len(slug)) % len(OCCUPATIONS)],
        "years_experience": 1 + (index * 5) % 16,
        "employment_goal": GOALS[writer][index % len(GOALS[writer])],
    }
    if arrival == ArrivalStatus.PRE_ARRIVAL:
        profile.update(
            expected_arrival_date=today + timedelta(days=20 + (index * 11) % 200),
            destination=PLACES[slug]["city"],
        )
    else:
        profile.update(
            arrival_date=today - timedelta(days=30 + (index * 53) % 1100),
            postal_area=PLACES[slug][place],
        )
    client_update(client=client, actor=actor, changes=profile)
    client_assign_counsellor(client=client, counsellor=counsellor, actor=None)

    official = "fr" if slug == "carrefour" else "en"
    languages = [LanguageEntry(official, clb_level=[4, 6, 8, 5, 3, 7, 9, 5][index % 8])]
    if language not in {"en", "fr"}:
        languages.insert(0, LanguageEntry(language, proficiency="native"))
    if slug == "carrefour" and index % 3 == 0:
        languages.append(LanguageEntry("en", clb_level=[3, 5, 6][index % 3]))
    client_set_languages(client=client, actor=actor, languages=languages)

    is_partial = (
        slug == "harbour" and index == 0
    )  # Daniel: a signed-up client half-way through his intake
    if is_partial:
        return
    client_update_contact_preferences(
        client=client, channels=CHANNELS[index % len(CHANNELS)], actor=actor
    )
    consents: list[str] = [ConsentPurpose.SERVICE_DELIVERY]
    if not client.user_id:  # staff recorded the consent the client gave at the desk
        consents += [
            f"contact_{channel}" for channel in client.preferred_channels if channel != "in_person"
        ]
    if index % 5 != 4:
        consents.append(ConsentPurpose.ANONYMOUS_REPORTING)
    if index % 3 == 0:
        consents.append(ConsentPurpose.SHARE_WITH_EMPLOYERS)
    for purpose in consents:
        consent_give(client=client, purpose=purpose, actor=actor)
    client_complete_intake(client=client, actor=actor)

    if index % 4 != 3:  # every fourth client has no digital assessment yet
        profile_index = (index + (0 if place == URBAN else 2)) % len(DIGITAL_PROFILES)
        if place != URBAN:
            profile_index = min(profile_index, 1)  # rural and remote clients: weaker access
        digital_assessment_record(
            client=client, answers=DIGITAL_PROFILES[profile_index], actor=actor
        )
    if index % 3 != 2:
        needs = NEEDS[index % len(NEEDS)]
        needs_assessment_create(client=client, actor=counsellor, needs=needs)
        if index % 2 == 0:
            need = next(iter(needs))
            kind, name = REFERRALS[need]
            referral = referral_create(
                client=client,
                actor=counsellor,
                kind=kind,
                to_name=name,
                need=need,
                made_on=today - timedelta(days=10 + index),
            )
            if index % 4 == 0:
                referral_set_status(
                    referral=referral,
                    status=ReferralStatus.ACCEPTED,
                    actor=counsellor,
                    on=today - timedelta(days=3),
                )
    if index % 3 == 0:
        case_note_create(client=client, author=counsellor, body=NOTES[writer])
