"""`tremplin bench seed-scale`: one agency the size of a national network's largest, for `bench pages`.

Adds an agency (slug `scale` by default) to the first network of the configured database with
`--clients` clients (50,000), `--registrations` registrations (500,000) spread over a year of
sessions, past ones with attendance, one client who signs in with `--heaviest` registrations
(226, the heaviest account seen), a counsellor, a facilitator and a course of its own with
`--learners` (6,000) learners. Rows go in by batches of `bulk_create` (no per-row
services: the services are what `bench pages` then measures), so it takes about a minute or two
on PostgreSQL. Run `tremplin bench pages --agency scale` afterwards; `--delete` removes it.
"""

import random
from argparse import _SubParsersAction
from datetime import timedelta
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency, Location, LocationKind, Membership, Network
from tremplin.agencies.roles import Role
from tremplin.clients.models import ArrivalStatus, Client, LocationType
from tremplin.clients.validation import search_text_for
from tremplin.core.demodata import DEMO_TOTP_SECRET
from tremplin.programs.models import (
    AttendanceMode,
    AttendanceStatus,
    DeliveryMode,
    Program,
    Registration,
    RegistrationStatus,
    ServiceElement,
    ServiceType,
    Session,
)

BATCH = 5_000
FIRST_NAMES = "Amina Lucas Priya Tomas Grace Sophie Jean Nadia David Fatima Oleksandr Maria Ahmad "
FIRST_NAMES += "Aicha Daniel Mei Arjun Ana Yusuf Olga Kwame Leila Ravi Sofia Hassan Chen Ivan"
LAST_NAMES = "Haddad Martin Sandhu Rivera Okafor Leblanc Mukendi Benali Chen Yousef Bondar Santos "
LAST_NAMES += "Rahimi Diallo Okonkwo Nguyen Kaur Silva Kovalenko Mensah Tremblay Gagnon Roy Singh"


def register(subparsers: _SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "seed-scale", help="Add a national-scale agency (50,000 clients) for `bench pages`."
    )
    parser.add_argument("--slug", default="scale", help="Agency slug (default scale).")
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--registrations", type=int, default=500_000)
    parser.add_argument("--sessions", type=int, default=2_000)
    parser.add_argument("--heaviest", type=int, default=226)
    parser.add_argument("--learners", type=int, default=6_000)
    parser.add_argument("--delete", action="store_true", help="Remove the agency and stop.")
    parser.set_defaults(run=run_seed_scale)


def _batches(rows: list, size: int = BATCH) -> Any:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert(model: Any, rows: list) -> list:
    created = []
    for batch in _batches(rows):
        created.extend(model.objects.bulk_create(batch))
    return created


def _delete(agency: Agency) -> None:
    users = list(User.objects.filter(email__endswith=f"@{agency.slug}.scale.invalid"))
    for model in (Registration, Session, ServiceElement, Program):
        model.objects.filter(agency=agency).delete()
    from tremplin.learning.models import Enrolment

    Enrolment.objects.filter(agency=agency).delete()
    Client.objects.filter(agency=agency).delete()
    Membership.objects.filter(agency=agency).delete()
    Location.objects.filter(agency=agency).delete()
    agency.delete()
    User.objects.filter(pk__in=[user.pk for user in users]).delete()


def _people(agency: Agency, count: int, rng: random.Random) -> list[Client]:
    first, last = FIRST_NAMES.split(), LAST_NAMES.split()
    clients = []
    for number in range(count):
        first_name, last_name = rng.choice(first), f"{rng.choice(last)}-{number}"
        email = f"client{number}@example.org"
        phone = f"+1403555{number % 10_000:04d}"
        clients.append(
            Client(
                agency=agency,
                first_name=first_name,
                last_name=last_name,
                email=email,
                phone=phone,
                preferred_language=rng.choice(["en", "fr", "ar", "es", "fa", "uk"]),
                arrival_status=rng.choice(ArrivalStatus.values),
                location_type=rng.choice(LocationType.values),
                search_text=search_text_for(
                    first_name=first_name, last_name=last_name, email=email, phone=phone
                ),
            )
        )
    return _insert(Client, clients)


def _sessions(agency: Agency, count: int, rng: random.Random) -> list[Session]:
    network = agency.network
    room = Location.objects.create(
        agency=agency, name=LazyI18nString({"en": "Main office"}), kind=LocationKind.URBAN
    )
    program = Program.objects.create(
        network=network, agency=agency, title=LazyI18nString({"en": "Employment essentials"})
    )
    elements = [
        ServiceElement.objects.create(
            agency=agency,
            program=program,
            service_type=service_type,
            title=LazyI18nString({"en": str(service_type.label)}),
        )
        for service_type in (ServiceType.WORKSHOP, ServiceType.NETWORKING)
    ]
    now = timezone.now()
    sessions = []
    for number in range(count):
        # A year back and two months ahead, most of them past.
        starts = now + timedelta(hours=rng.randint(-365 * 24, 60 * 24))
        sessions.append(
            Session(
                agency=agency,
                element=rng.choice(elements),
                title=LazyI18nString({"en": f"Session {number}", "fr": f"Séance {number}"}),
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                delivery_mode=DeliveryMode.HYBRID,
                in_person_capacity=400,
                online_capacity=400,
                location=room,
                join_url=f"https://meet.jit.si/tremplin-scale-{number}",
                search_text=f" session {number} ",
            )
        )
    return _insert(Session, sessions)


def _registrations(
    clients: list[Client], sessions: list[Session], total: int, heaviest: int, rng: random.Random
) -> int:
    now = timezone.now()
    per_client = max(1, -(-(total - heaviest) // max(1, len(clients) - 1)))  # rounded up
    rows = []
    plans = [(clients[0], rng.sample(sessions, min(heaviest, len(sessions))))]
    plans += [(client, rng.sample(sessions, per_client)) for client in clients[1:]]
    count = 0
    for client, chosen in plans:
        for session in chosen[: total - count]:
            mode = rng.choice(AttendanceMode.values)
            past = session.ends_at < now
            attended = rng.random() < 0.8
            rows.append(
                Registration(
                    agency_id=client.agency_id,
                    session=session,
                    client=client,
                    mode=mode,
                    status=RegistrationStatus.CONFIRMED,
                    created_at=session.starts_at - timedelta(days=3),
                    attendance=(AttendanceStatus.ATTENDED if attended else AttendanceStatus.NO_SHOW)
                    if past
                    else "",
                    attended_mode=mode if past and attended else "",
                )
            )
            count += 1
            if len(rows) >= BATCH:
                Registration.objects.bulk_create(rows)
                rows = []
        if count >= total:
            break
    if rows:
        Registration.objects.bulk_create(rows)
    return count


def _staff_and_login(agency: Agency, heaviest: Client) -> None:
    domain = f"{agency.slug}.scale.invalid"
    for role, email in (
        (Role.COUNSELLOR, f"counsellor@{domain}"),
        (Role.FACILITATOR, f"facilitator@{domain}"),
    ):
        user = User.objects.create(email=email, first_name="Scale", last_name=str(role.label))
        Membership.objects.create(agency=agency, user=user, role=role)
        TOTP.activate(user, DEMO_TOTP_SECRET)  # staff pages need a second factor set up
    user = User.objects.create(email=f"heaviest@{domain}", first_name=heaviest.first_name)
    Membership.objects.create(agency=agency, user=user, role=Role.CLIENT)
    heaviest.user = user
    heaviest.save(update_fields=["user"])


def _learners(agency: Agency, clients: list[Client], count: int) -> int:
    from tremplin.learning import services as learning
    from tremplin.learning.models import Enrolment, LessonKind

    if count < 1:
        return 0
    course = learning.course_create(
        actor=None,
        network=agency.network,
        agency=agency,
        title={"en": "Workplace basics", "fr": "Les bases du travail"},
        language="en",
        audience="clients",
        is_published=True,
    )
    module = learning.module_create(course=course, actor=None, title={"en": "Talking"})
    learning.lesson_create(
        module=module, actor=None, title={"en": "Small talk"}, kind=LessonKind.TEXT, body="Hi."
    )
    domain = f"{agency.slug}.scale.invalid"
    users = _insert(
        User,
        [User(email=f"learner{n}@{domain}", password="!") for n in range(min(count, len(clients)))],
    )
    if users and users[0].pk is None:
        users = list(User.objects.filter(email__startswith="learner", email__endswith=domain))
    _insert(Membership, [Membership(agency=agency, user=u, role=Role.CLIENT) for u in users])
    now = timezone.now()
    _insert(
        Enrolment,
        [
            Enrolment(
                agency=agency,
                course=course,
                user=user,
                client=client,
                last_activity_at=now - timedelta(days=n % 60),
            )
            for n, (user, client) in enumerate(zip(users, clients[1:], strict=False))
        ],
    )
    return len(users)


def run_seed_scale(command: BaseCommand, options: dict[str, Any]) -> bool:
    out = command.stdout.write
    started = timezone.now()
    with scopes_disabled():
        existing = Agency.objects.filter(slug=options["slug"]).first()
        if existing is not None:
            _delete(existing)
            out(f"removed the agency {options['slug']}")
        if options["delete"]:
            return True
        network = Network.objects.order_by("pk").first() or Network.objects.create(
            slug="scale", name=LazyI18nString({"en": "Scale network"})
        )
        rng = random.Random(2026)
        with transaction.atomic():
            agency = Agency.objects.create(
                network=network,
                slug=options["slug"],
                name=LazyI18nString({"en": "Scale agency", "fr": "Agence à grande échelle"}),
                province="ON",
            )
            clients = _people(agency, options["clients"], rng)
            if clients and clients[0].pk is None:
                clients = list(Client.objects.filter(agency=agency).order_by("pk"))
            sessions = _sessions(agency, options["sessions"], rng)
            if sessions and sessions[0].pk is None:
                sessions = list(Session.objects.filter(agency=agency).order_by("pk"))
            registrations = _registrations(
                clients, sessions, options["registrations"], options["heaviest"], rng
            )
            _staff_and_login(agency, clients[0])
            learners = _learners(agency, clients, options["learners"])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # As autovacuum would leave a table of past years: fresh statistics, and rows
                # marked visible to all, so counts read an index alone, not the rows.
                cursor.execute("VACUUM (ANALYZE)")
    seconds = (timezone.now() - started).total_seconds()
    out(
        f"agency {agency.slug}: {len(clients)} clients, {len(sessions)} sessions, "
        f"{registrations} registrations, {learners} learners in {seconds:.0f} s"
    )
    out(f"now: tremplin bench pages --agency {agency.slug}")
    return True
