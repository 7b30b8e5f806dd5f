"""Demo clients: varied origins, languages, arrival stages and places (urban, rural, pre-arrival)."""

from tremplin.agencies.roles import Role
from tremplin.agencies.services import membership_grant
from tremplin.clients.models import ArrivalStatus, Client, ImmigrationCategory, LocationType
from tremplin.clients.services import client_create
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
        ("Olena", "Kovalenko", "uk", "+14035550114", IN, ImmigrationCategory.TEMPORARY_OTHER, URBAN, False),
        ("Carlos", "Mendoza", "es", "+14035550115", PRE, PR, URBAN, False),
        ("Wei", "Zhang", "zh", "+14035550116", IN, WORKER, URBAN, False),
        ("Samira", "Al-Hassan", "ar", "+14035550117", IN, REFUGEE, RURAL, False),
        ("Joseph", "Mensah", "en", "+14035550118", IN, PR, URBAN, False),
        ("Anh", "Nguyen", "vi", "+14035550119", IN, STUDENT, URBAN, False),
        ("Luis", "Herrera", "es", "+14035550120", IN, WORKER, RURAL, False),
        ("Fatuma", "Abdi", "so", "+14035550121", IN, REFUGEE, URBAN, False),
        ("Rajesh", "Patel", "gu", "+14035550122", PRE, PR, URBAN, False),
        ("Iryna", "Shevchenko", "uk", "+14035550123", IN, ImmigrationCategory.TEMPORARY_OTHER, RURAL, False),
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
        ("Svitlana", "Melnyk", "uk", "+19025550154", PRE, ImmigrationCategory.TEMPORARY_OTHER, URBAN, False),
        ("Jose", "Reyes", "tl", "+19025550155", IN, WORKER, RURAL, False),
        ("Mei", "Lin", "zh", "+19025550156", IN, STUDENT, URBAN, False),
        ("Abdullah", "Noori", "ps", "+19025550157", IN, REFUGEE, URBAN, False),
        ("Valentina", "Gómez", "es", "+19025550158", IN, PR, URBAN, False),
        ("Kwame", "Asante", "en", "+19025550159", PRE, PR, URBAN, False),
        ("Hana", "Yilmaz", "tr", "+19025550160", IN, WORKER, REMOTE, False),
        ("Ravi", "Sharma", "hi", "+19025550161", IN, PR, URBAN, False),
        ("Amal", "Hussein", "ar", "+19025550162", IN, REFUGEE, RURAL, False),
        ("Dmytro", "Ivanenko", "uk", "+19025550163", IN, ImmigrationCategory.TEMPORARY_OTHER, URBAN, False),
        ("Grace", "Umutoni", "rw", "+19025550164", IN, REFUGEE, URBAN, False),
    ],
}


def load(demo: DemoNetwork) -> None:
    for slug, people in CLIENTS.items():
        agency = demo.agencies[slug]
        for first, last, language, phone, arrival, category, place, has_login in people:
            client = Client.objects.filter(agency=agency, phone=phone).first()
            if client is None:
                user = None
                if has_login:
                    email = f"{first}.{last}@clients.example.org".lower().replace("ï", "i").replace(" ", "")
                    user = demo.person(
                        email=email, first_name=first, last_name=last,
                        language="fr" if language == "fr" else "en",
                    )
                    membership_grant(agency=agency, user=user, role=Role.CLIENT, actor=None)
                client = client_create(
                    agency=agency,
                    actor=None,
                    user=user,
                    first_name=first,
                    last_name=last,
                    email=user.email if user else f"{first}.{last}.{slug}@mail.example.org".lower().replace(" ", ""),
                    phone=phone,
                    preferred_language=language,
                )
                Client.objects.filter(pk=client.pk).update(
                    arrival_status=arrival, immigration_category=category, location_type=place
                )
            if client.user_id:
                demo.logins.append((slug, "Client", client.user.email))
