"""The demo network: three agencies (one francophone, two with a rural site), staff of every role."""

from typing import TypedDict

from i18nfield.strings import LazyI18nString

from tremplin.agencies.models import Agency, Location, LocationKind, Network, NetworkMembership
from tremplin.agencies.roles import NetworkRole, Role
from tremplin.agencies.services import membership_grant
from tremplin.core.demodata import DemoNetwork


class AgencySpec(TypedDict):
    slug: str
    name: dict[str, str]  # language → name
    province: str
    time_zone: str
    default_language: str
    # (name by language, kind, address, city, postal code)
    locations: list[tuple[dict[str, str], LocationKind, str, str, str]]
    # (email local part, first name, last name, role, language)
    staff: list[tuple[str, str, str, Role, str]]


AGENCIES: list[AgencySpec] = [
    {
        "slug": "pnec",
        "name": {
            "en": "Prairie Newcomer Employment Centre",
            "fr": "Centre d'emploi des nouveaux arrivants des Prairies",
        },
        "province": "AB",
        "time_zone": "America/Edmonton",
        "default_language": "en",
        "locations": [
            (
                {"en": "Calgary — Downtown", "fr": "Calgary — centre-ville"},
                LocationKind.URBAN,
                "120 9 Ave SE",
                "Calgary",
                "T2G 0R9",
            ),
            (
                {"en": "Brooks — Rural office", "fr": "Brooks — bureau rural"},
                LocationKind.RURAL,
                "403 2 Ave W",
                "Brooks",
                "T1R 0E6",
            ),
            ({"en": "Online", "fr": "En ligne"}, LocationKind.ONLINE, "", "", ""),
        ],
        "staff": [
            ("amina.haddad", "Amina", "Haddad", Role.AGENCY_ADMIN, "en"),
            ("lucas.martin", "Lucas", "Martin", Role.COUNSELLOR, "en"),
            ("priya.sandhu", "Priya", "Sandhu", Role.COUNSELLOR, "en"),
            ("tomas.rivera", "Tomás", "Rivera", Role.FACILITATOR, "en"),
            ("grace.okafor", "Grace", "Okafor", Role.FACILITATOR, "en"),
        ],
    },
    {
        "slug": "carrefour",
        "name": {"en": "Francophone Employment Crossroads", "fr": "Carrefour emploi francophone"},
        "province": "NB",
        "time_zone": "America/Moncton",
        "default_language": "fr",
        "locations": [
            (
                {"en": "Moncton — Main office", "fr": "Moncton — bureau principal"},
                LocationKind.URBAN,
                "236, rue Saint-George",
                "Moncton",
                "E1C 1W1",
            ),
            ({"en": "Online", "fr": "En ligne"}, LocationKind.ONLINE, "", "", ""),
        ],
        "staff": [
            ("sophie.leblanc", "Sophie", "LeBlanc", Role.AGENCY_ADMIN, "fr"),
            ("jean.mukendi", "Jean", "Mukendi", Role.COUNSELLOR, "fr"),
            ("nadia.benali", "Nadia", "Benali", Role.FACILITATOR, "fr"),
        ],
    },
    {
        "slug": "harbour",
        "name": {"en": "Harbour Newcomer Works", "fr": "Harbour Travail Nouveaux Arrivants"},
        "province": "NS",
        "time_zone": "America/Halifax",
        "default_language": "en",
        "locations": [
            (
                {"en": "Halifax — Spring Garden", "fr": "Halifax — Spring Garden"},
                LocationKind.URBAN,
                "5670 Spring Garden Rd",
                "Halifax",
                "B3J 1H6",
            ),
            (
                {"en": "Kentville — Annapolis Valley", "fr": "Kentville — vallée d'Annapolis"},
                LocationKind.RURAL,
                "350 Main St",
                "Kentville",
                "B4N 1K6",
            ),
            ({"en": "Online", "fr": "En ligne"}, LocationKind.ONLINE, "", "", ""),
        ],
        "staff": [
            ("david.chen", "David", "Chen", Role.AGENCY_ADMIN, "en"),
            ("fatima.yousef", "Fatima", "Yousef", Role.COUNSELLOR, "en"),
            ("oleksandr.bondar", "Oleksandr", "Bondar", Role.FACILITATOR, "en"),
        ],
    },
]


def load(demo: DemoNetwork) -> None:
    network, _ = Network.objects.get_or_create(
        slug="tremplin",
        defaults={"name": LazyI18nString({"en": "Tremplin Network", "fr": "Réseau Tremplin"})},
    )
    demo.network = network
    admin = demo.person(
        email="network.admin@tremplin.example.org",
        first_name="Hélène",
        last_name="Tremblay",
        language="fr",
        totp=True,
    )
    NetworkMembership.objects.get_or_create(
        user=admin, network=network, role=NetworkRole.NETWORK_ADMIN
    )
    demo.logins.append(("network", str(NetworkRole.NETWORK_ADMIN.label), admin.email))

    for spec in AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "network": network,
                "name": LazyI18nString(spec["name"]),
                "province": spec["province"],
                "time_zone": spec["time_zone"],
                "default_language": spec["default_language"],
            },
        )
        demo.agencies[agency.slug] = agency
        if not Location.objects.filter(agency=agency).exists():
            Location.objects.bulk_create(
                Location(
                    agency=agency,
                    name=LazyI18nString(name),
                    kind=kind,
                    address=address,
                    city=city,
                    postal_code=postal,
                )
                for name, kind, address, city, postal in spec["locations"]
            )
        for local, first, last, role, language in spec["staff"]:
            user = demo.person(
                email=f"{local}@{agency.slug}.example.org",
                first_name=first,
                last_name=last,
                language=language,
                totp=True,
            )
            membership_grant(agency=agency, user=user, role=role, actor=None)
            demo.logins.append((agency.slug, str(Role(role).label), user.email))
        employer = demo.person(
            email=f"hiring@employer-{agency.slug}.example.org",
            first_name="Marc",
            last_name="Gagnon",
        )
        membership_grant(agency=agency, user=employer, role=Role.EMPLOYER, actor=None)
        demo.logins.append((agency.slug, str(Role.EMPLOYER.label), employer.email))
