"""`tremplin bench dashboards`: the report pages and exports at a national network's volume.

Seeds a throwaway network (default: 5 agencies, 50,000 clients, 500,000 attendance rows over
two years, with recordings viewed, course enrolments, survey invitations, responses and
follow-up outcomes in proportion) into the configured database with bulk inserts, then asks
every dashboard page, the mode comparison, a CSV and the funder exports `--runs` times each
through Django's test client (middleware, permissions, templates included) and prints p50 and
p95 per page. Deletes what it created unless `--keep`.
"""

import random
import secrets
import statistics
import time
from argparse import _SubParsersAction
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import partial
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client as TestClient
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString

from tremplin.accounts.models import User
from tremplin.agencies.models import (
    Agency,
    Location,
    LocationKind,
    Membership,
    Network,
    NetworkMembership,
)
from tremplin.agencies.roles import NetworkRole, Role
from tremplin.audit.models import AuditEvent
from tremplin.clients.models import Client
from tremplin.learning.models import Course, Enrolment
from tremplin.outcomes.models import Outcome
from tremplin.programs.models import (
    Program,
    Recording,
    RecordingView,
    Registration,
    ServiceElement,
    Session,
)
from tremplin.reports.models import FunderProfile
from tremplin.reports.services import first_services_refresh
from tremplin.surveys.models import Answer, Invitation, Question, Response, Section, Survey

BATCH = 5000
DAYS = 730
PER_SESSION = 20
BENCH_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TYPES = ("workshop", "counselling", "networking", "mentoring")


def register(subparsers: _SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dashboards",
        help="Seed a large network and time the report pages and exports (p50/p95).",
    )
    parser.add_argument("--clients", type=int, default=50_000, help="Clients (default 50000).")
    parser.add_argument(
        "--attendance", type=int, default=500_000, help="Attendance rows (default 500000)."
    )
    parser.add_argument("--agencies", type=int, default=5, help="Member agencies (default 5).")
    parser.add_argument("--runs", type=int, default=10, help="Requests per page (default 10).")
    parser.add_argument("--keep", action="store_true", help="Keep the seeded data.")
    parser.set_defaults(run=run_dashboards)


def _bulk(model: Any, rows: list[Any]) -> list[Any]:
    return model.objects.bulk_create(rows, batch_size=BATCH)


def _copy(model: Any, rows: list[Any]) -> None:
    """Insert rows whose ids nobody needs back: COPY on PostgreSQL, bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=BATCH)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for obj in rows:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                )


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock(hour)))


class World:
    def __init__(self) -> None:
        self.network: Network
        self.agencies: list[Agency] = []
        self.admins: dict[int, User] = {}
        self.network_admin: User
        self.tag = secrets.token_hex(4)


def _seed(out: Any, *, clients: int, attendance: int, agencies: int) -> World:
    rng = random.Random(12)
    world = World()
    today = timezone.localdate()
    first_day = today - timedelta(days=DAYS)
    tag = world.tag
    world.network = Network.objects.create(
        slug=f"bench-{tag}", name=LazyI18nString({"en": "Benchmark network"})
    )
    password = "!"  # unusable: the bench signs people in with force_login
    for index in range(agencies):
        agency = Agency.objects.create(
            network=world.network,
            slug=f"bench-{tag}-{index}",
            name=LazyI18nString({"en": f"Bench agency {index}", "fr": f"Agence {index}"}),
            province="ON",
        )
        world.agencies.append(agency)
        admin = User.objects.create(email=f"admin-{index}-{tag}@bench.invalid", password=password)
        Membership.objects.create(user=admin, agency=agency, role=Role.AGENCY_ADMIN)
        TOTP.activate(admin, BENCH_TOTP_SECRET)  # staff sessions require TOTP set up
        world.admins[agency.pk] = admin
    world.network_admin = User.objects.create(
        email=f"network-{tag}@bench.invalid", password=password
    )
    NetworkMembership.objects.create(
        user=world.network_admin, network=world.network, role=NetworkRole.NETWORK_ADMIN
    )
    TOTP.activate(world.network_admin, BENCH_TOTP_SECRET)
    places = ["urban"] * 6 + ["rural"] * 3 + ["remote"]
    languages = ["en"] * 5 + ["fr"] * 3 + ["ar", "es", "uk", "tl"]
    # Clients
    started = time.perf_counter()
    client_rows = []
    for n in range(clients):
        agency = world.agencies[n % agencies]
        intake_day = first_day + timedelta(days=rng.randrange(DAYS))
        client_rows.append(
            Client(
                agency=agency,
                first_name="Bench",
                last_name=f"Client{n}",
                preferred_language=rng.choice(languages),
                arrival_status="pre_arrival" if rng.random() < 0.15 else "arrived",
                location_type=rng.choice(places),
                birth_date=date(1970, 1, 1) + timedelta(days=rng.randrange(12000))
                if rng.random() < 0.95
                else None,
                intake_completed_at=_aware(intake_day, 9) if rng.random() < 0.9 else None,
            )
        )
    _bulk(Client, client_rows)
    with scopes_disabled():
        ids_by_agency = {
            a.pk: list(Client.objects.filter(agency=a).values_list("id", flat=True))
            for a in world.agencies
        }
    _bulk(
        FunderProfile,
        [
            FunderProfile(
                agency_id=agency_id,
                client_id=client_id,
                identifier_type="foss_gcms",
                identifier_value=f"UCI{client_id}",
            )
            for agency_id, ids in ids_by_agency.items()
            for client_id in ids
            if rng.random() < 0.9
        ],
    )
    out.write(f"  {clients} clients in {time.perf_counter() - started:.1f} s")
    # Programs, elements, locations, sessions
    started = time.perf_counter()
    elements: dict[int, list[ServiceElement]] = {}
    locations: dict[int, Location] = {}
    for agency in world.agencies:
        locations[agency.pk] = Location.objects.create(
            agency=agency,
            name=LazyI18nString({"en": "Office"}),
            kind=LocationKind.URBAN,
            postal_code="K1A 0B1",
        )
        program = Program.objects.create(
            network=world.network, agency=agency, title=LazyI18nString({"en": "Employment"})
        )
        elements[agency.pk] = [
            ServiceElement.objects.create(
                agency=agency,
                program=program,
                service_type=kind,
                title=LazyI18nString({"en": kind.title()}),
            )
            for kind in TYPES
        ]
    n_sessions = max(1, attendance // PER_SESSION)
    session_rows = []
    for n in range(n_sessions):
        agency = world.agencies[n % agencies]
        day = first_day + timedelta(days=rng.randrange(DAYS))
        mode = rng.choices(["in_person", "online", "hybrid"], weights=[40, 35, 25])[0]
        session_rows.append(
            Session(
                agency=agency,
                element=rng.choice(elements[agency.pk]),
                title=LazyI18nString({"en": f"Session {n}"}),
                starts_at=_aware(day, 10),
                ends_at=_aware(day, 12),
                delivery_mode=mode,
                in_person_capacity=PER_SESSION,
                online_capacity=PER_SESSION,
                location=locations[agency.pk] if mode != "online" else None,
                status="completed",
            )
        )
    sessions = _bulk(Session, session_rows)
    out.write(f"  {len(sessions)} sessions in {time.perf_counter() - started:.1f} s")
    # Registrations with attendance: PER_SESSION distinct clients per session.
    started = time.perf_counter()
    written = 0
    batch: list[Registration] = []
    for session in sessions:
        people = rng.sample(ids_by_agency[session.agency_id], PER_SESSION)
        for client_id in people:
            if written >= attendance:
                break
            online = session.delivery_mode == "online" or (
                session.delivery_mode == "hybrid" and rng.random() < 0.5
            )
            mode = "online" if online else "in_person"
            roll = rng.random()
            status = "attended" if roll < 0.85 else ("no_show" if roll < 0.95 else "")
            batch.append(
                Registration(
                    agency_id=session.agency_id,
                    session=session,
                    client_id=client_id,
                    mode=mode,
                    status="confirmed",
                    attendance=status,
                    attended_mode=mode if status == "attended" else "",
                    created_at=session.starts_at - timedelta(days=3),
                )
            )
            written += 1
        if len(batch) >= BATCH:
            _copy(Registration, batch)
            batch = []
    _copy(Registration, batch)
    out.write(f"  {written} attendance rows in {time.perf_counter() - started:.1f} s")
    # Recordings and views (one view per 10 attendances)
    started = time.perf_counter()
    recorded = sessions[:: max(1, len(sessions) // 2000)]
    recordings = _bulk(
        Recording,
        [
            Recording(
                agency_id=s.agency_id,
                session=s,
                title=LazyI18nString({"en": "Recording"}),
                url="https://videos.example.org/r",
            )
            for s in recorded
        ],
    )
    views = _bulk(
        RecordingView,
        [
            RecordingView(
                agency_id=r.agency_id,
                recording=r,
                client_id=rng.choice(ids_by_agency[r.agency_id]),
            )
            for r in recordings
            for _ in range(max(1, attendance // 10 // max(1, len(recordings))))
        ],
    )
    with scopes_disabled():
        for offset in range(0, DAYS, 30):
            pks = [v.pk for v in views[offset :: DAYS // 30 + 1]]
            RecordingView.objects.filter(pk__in=pks).update(
                viewed_at=_aware(first_day + timedelta(days=offset + 15), 14)
            )
    # Enrolments: one learner account per enrolment (one per 25 attendances)
    course = Course.objects.create(
        network=world.network,
        title=LazyI18nString({"en": "Course"}),
        language="en",
        is_published=True,
    )
    n_enrolments = attendance // 25
    learners = _bulk(
        User,
        [
            User(email=f"learner-{n}-{tag}@bench.invalid", password=password)
            for n in range(n_enrolments)
        ],
    )
    enrolment_rows = []
    for learner in learners:
        agency = rng.choice(world.agencies)
        enrolment_rows.append(
            Enrolment(
                agency=agency,
                course=course,
                user=learner,
                client_id=rng.choice(ids_by_agency[agency.pk]),
            )
        )
    enrolments = _bulk(Enrolment, enrolment_rows)
    with scopes_disabled():
        for offset in range(0, DAYS, 15):
            pks = [e.pk for e in enrolments[offset // 15 :: DAYS // 15 + 1]]
            start = _aware(first_day + timedelta(days=offset), 11)
            Enrolment.objects.filter(pk__in=pks[: len(pks) * 2 // 3]).update(
                created_at=start, completed_at=start + timedelta(days=rng.randrange(1, 30))
            )
            Enrolment.objects.filter(pk__in=pks[len(pks) * 2 // 3 :]).update(created_at=start)
    out.write(
        f"  {len(views)} recording views, {len(enrolments)} enrolments in "
        f"{time.perf_counter() - started:.1f} s"
    )
    # Surveys: invitations (one per 20 attendances), responses for 60 % of them, 2 answers each.
    started = time.perf_counter()
    survey = Survey.objects.create(
        network=world.network,
        kind="end_of_program",
        audience="clients",
        title=LazyI18nString({"en": "End of program"}),
        languages=["en"],
        template_key=f"bench-{tag}",
    )
    section = Section.objects.create(survey=survey, name="main")
    likert = Question.objects.create(
        survey=survey,
        section=section,
        name="useful",
        question_type="likert",
        label=LazyI18nString({"en": "Useful"}),
    )
    nps = Question.objects.create(
        survey=survey,
        section=section,
        name="recommend",
        question_type="nps",
        label=LazyI18nString({"en": "Recommend"}),
        position=1,
    )
    with scopes_disabled():
        client_facts = {
            row[0]: row[1:]
            for row in Client.objects.filter(agency__in=world.agencies).values_list(
                "id", "location_type", "arrival_status", "preferred_language"
            )
        }
    invitations, responses = [], []
    n_invitations = attendance // 20
    for n in range(n_invitations):
        agency = world.agencies[n % agencies]
        client_id = rng.choice(ids_by_agency[agency.pk])
        place, arrival, language = client_facts[client_id]
        sent = _aware(first_day + timedelta(days=rng.randrange(DAYS)), 16)
        answered = rng.random() < 0.6
        cohort = {
            "program_id": elements[agency.pk][0].program_id,
            "delivery_mode": rng.choice(["in_person", "online", "hybrid"]),
            "location_type": place,
            "arrival_status": arrival,
            "language": language,
        }
        invitations.append(
            Invitation(
                agency=agency,
                survey=survey,
                client_id=client_id,
                token=f"{tag}-{n}",
                status="completed" if answered else "pending",
                expires_at=sent + timedelta(days=30),
                sent_at=sent,
                **cohort,
            )
        )
        if answered:
            responses.append(
                Response(
                    agency=agency,
                    survey=survey,
                    client_id=client_id,
                    submitted_at=sent + timedelta(days=2),
                    **cohort,
                )
            )
    _bulk(Invitation, invitations)
    responses = _bulk(Response, responses)
    _bulk(
        Answer,
        [
            Answer(agency_id=r.agency_id, response=r, question=q, value=v, number=v)
            for r in responses
            for q, v in ((likert, rng.randint(1, 5)), (nps, rng.randint(0, 10)))
        ],
    )
    # Follow-up outcomes: one per 30 attendances.
    outcomes = []
    for _n in range(attendance // 30):
        agency = rng.choice(world.agencies)
        kind = rng.choices(["hired", "self_employed", "not_employed", "school"], [50, 5, 35, 10])[0]
        outcomes.append(
            Outcome(
                agency=agency,
                client_id=rng.choice(ids_by_agency[agency.pk]),
                outcome_type=kind,
                employment_type=rng.choice(["full_time", "part_time"]) if kind == "hired" else "",
                in_field=rng.random() < 0.4 if kind == "hired" else None,
                follow_up_months=rng.choice([3, 6, 12]),
                recorded_on=first_day + timedelta(days=rng.randrange(DAYS)),
                program_id=elements[agency.pk][0].program_id,
            )
        )
    _bulk(Outcome, outcomes)
    out.write(
        f"  {len(invitations)} invitations, {len(responses)} responses, {len(outcomes)} "
        f"outcomes in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    refreshed = first_services_refresh(agency_ids=[a.pk for a in world.agencies])
    out.write(
        f"  summary table: first service of {refreshed} clients in "
        f"{time.perf_counter() - started:.1f} s (the periodic task's work)"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return world


def _cleanup(world: World) -> None:
    agencies = world.agencies
    with scopes_disabled(), transaction.atomic():
        for model in (
            Answer,
            Response,
            Invitation,
            Outcome,
            Enrolment,
            RecordingView,
            Recording,
            Registration,
            FunderProfile,
            AuditEvent,
        ):
            model.objects.filter(agency__in=agencies)._raw_delete(connection.alias)
        Question.objects.filter(survey__network=world.network).delete()
        Section.objects.filter(survey__network=world.network).delete()
        Survey.objects.filter(network=world.network).delete()
        Session.objects.filter(agency__in=agencies)._raw_delete(connection.alias)
        ServiceElement.objects.filter(agency__in=agencies).delete()
        Program.objects.filter(network=world.network).delete()
        Course.objects.filter(network=world.network).delete()
        Client.objects.filter(agency__in=agencies)._raw_delete(connection.alias)
        Location.objects.filter(agency__in=agencies).delete()
        Membership.objects.filter(agency__in=agencies).delete()
        NetworkMembership.objects.filter(network=world.network).delete()
        Authenticator.objects.filter(user__email__endswith=f"-{world.tag}@bench.invalid").delete()
        User.objects.filter(email__endswith=f"-{world.tag}@bench.invalid").delete()
        Agency.objects.filter(pk__in=[a.pk for a in agencies]).delete()
        world.network.delete()


def _time(label: str, runs: int, request: Callable[[], Any], out: Any) -> float:
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        response = request()
        durations.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{label}: HTTP {response.status_code}")
    size = len(response.content) // 1024
    ordered = sorted(durations)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    out.write(
        f"  {label:<58} p50 {statistics.median(durations):7.0f} ms   p95 {p95:7.0f} ms   {size:4d} KB"
    )
    return p95


def run_dashboards(command: BaseCommand, options: dict[str, Any]) -> bool:
    out = command.stdout
    out.write(
        f"Seeding {options['clients']} clients and {options['attendance']} attendance rows "
        f"in {options['agencies']} agencies ({connection.vendor})…"
    )
    started = time.perf_counter()
    with scopes_disabled():
        world = _seed(
            out,
            clients=options["clients"],
            attendance=options["attendance"],
            agencies=options["agencies"],
        )
    out.write(
        f"Seeded in {time.perf_counter() - started:.1f} s. Timing {options['runs']} requests per page:"
    )
    runs = options["runs"]
    agency = world.agencies[0]
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    worst = 0.0
    try:
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            browser = TestClient()
            browser.force_login(world.admins[agency.pk])
            home = reverse("reports:dashboard", kwargs={"agency_slug": agency.slug})
            modes = reverse("reports:modes", kwargs={"agency_slug": agency.slug})
            funder = reverse("reports:funder", kwargs={"agency_slug": agency.slug})
            pages = [
                ("agency dashboard, last 90 days by mode", home, {}),
                (
                    "agency dashboard, rural + French, by arrival status",
                    home,
                    {"location_type": "rural", "language": "fr", "by": "arrival_status"},
                ),
                (
                    "agency dashboard, one year by program",
                    home,
                    {
                        "start": (timezone.localdate() - timedelta(days=365)).isoformat(),
                        "by": "program",
                    },
                ),
                ("agency mode comparison", modes, {}),
                (
                    "agency CSV (participation by location type)",
                    home,
                    {"by": "location_type", "download": "participation"},
                ),
            ]
            for label, url, params in pages:
                worst = max(worst, _time(label, runs, partial(browser.get, url, params), out))
            for template in ("client_profile", "employment_services", "community_connections"):
                params = {
                    "month": last_month,
                    "template": f"icare-2018:{template}",
                    "format": "xlsx",
                }
                _time(
                    f"funder export {template} (.xlsx, {last_month})",
                    max(1, runs // 2),
                    partial(browser.get, funder, params),
                    out,
                )
            browser.force_login(world.network_admin)
            network_pages = [
                ("network dashboard, last 90 days by agency", {"by": "agency"}),
                ("network dashboard, last 90 days by location type", {"by": "location_type"}),
                (
                    "network dashboard, online only, by language",
                    {"mode": "online", "by": "language"},
                ),
            ]
            for label, params in network_pages:
                worst = max(
                    worst,
                    _time(
                        label,
                        runs,
                        partial(browser.get, reverse("network_reports:dashboard"), params),
                        out,
                    ),
                )
            worst = max(
                worst,
                _time(
                    "network mode comparison",
                    runs,
                    partial(browser.get, reverse("network_reports:modes")),
                    out,
                ),
            )
    finally:
        if not options["keep"]:
            started = time.perf_counter()
            _cleanup(world)
            out.write(f"Deleted the seeded data in {time.perf_counter() - started:.1f} s.")
    out.write(f"Slowest dashboard page p95: {worst:.0f} ms (target < 500 ms).")
    return True
