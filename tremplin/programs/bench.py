"""`tremplin bench registrations`: a registration rush against the configured database.

Creates a throwaway agency with one in-person session of `--seats` seats and `--clients`
clients, then registers every client at once from `--workers` threads (each with its own
database connection) through `services.registration_create`, the function the web pages,
the assistant and the API use. Prints the figures, checks the invariants and deletes
everything it created.
"""

import multiprocessing
import queue
import secrets
import statistics
import threading
import time
from argparse import _SubParsersAction
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, connections
from django.test import Client as TestClient
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency, Location, LocationKind, Membership, Network
from tremplin.agencies.roles import Role
from tremplin.audit.models import AuditEvent
from tremplin.clients.models import Client
from tremplin.core.loadtest import (
    LoadResult,
    Request,
    cpu_summary,
    form_post,
    get,
    hammer,
    serving,
)
from tremplin.privacy.middleware import SEEN_AT, SIGNED_IN_AT
from tremplin.programs import services
from tremplin.programs.models import (
    AttendanceMode,
    DeliveryMode,
    Program,
    Registration,
    RegistrationStatus,
    ServiceElement,
    ServiceType,
    Session,
)


def register(subparsers: _SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "registrations",
        help="Race registrations for one session; check that nothing is overbooked.",
    )
    parser.add_argument(
        "--clients", type=int, default=2000, help="People registering (default 2000)."
    )
    parser.add_argument(
        "--seats", type=int, default=100, help="Seats in the session (default 100)."
    )
    parser.add_argument("--workers", type=int, default=16, help="Concurrent threads (default 16).")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="Service level: processes sharing the threads, as app servers do (default 1).",
    )
    parser.add_argument(
        "--http",
        action="store_true",
        help="Register through the web form of `tremplin serve` instead of calling the service.",
    )
    parser.add_argument(
        "--server-workers", type=int, default=4, help="With --http: server processes (default 4)."
    )
    parser.add_argument(
        "--port", type=int, default=8766, help="With --http: loopback port (default 8766)."
    )
    parser.set_defaults(run=run_registrations)


def _create_world(*, clients: int, seats: int) -> tuple[Session, list[Client]]:
    tag = secrets.token_hex(4)
    network = Network.objects.create(slug=f"bench-{tag}", name=LazyI18nString({"en": "Benchmark"}))
    agency = Agency.objects.create(
        network=network,
        slug=f"bench-{tag}",
        name=LazyI18nString({"en": "Benchmark"}),
        province="ON",
    )
    location = Location.objects.create(
        agency=agency, name=LazyI18nString({"en": "Room"}), kind=LocationKind.URBAN
    )
    program = Program.objects.create(
        network=network, agency=agency, title=LazyI18nString({"en": "Benchmark"})
    )
    element = ServiceElement.objects.create(
        agency=agency,
        program=program,
        service_type=ServiceType.WORKSHOP,
        title=LazyI18nString({"en": "Rush"}),
    )
    start = timezone.now() + timedelta(days=7)
    session = Session.objects.create(
        agency=agency,
        element=element,
        title=LazyI18nString({"en": "Rush"}),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        delivery_mode=DeliveryMode.IN_PERSON,
        in_person_capacity=seats,
        location=location,
    )
    people = Client.objects.bulk_create(
        Client(agency=agency, first_name="Bench", last_name=f"Client {number}")
        for number in range(clients)
    )
    if people and people[0].pk is None:  # backends that do not return ids from bulk inserts
        people = list(Client.objects.filter(agency=agency).order_by("pk"))
    return session, people


def _delete_world(session: Session) -> None:
    agency = session.agency
    Registration.objects.filter(agency=agency).delete()
    AuditEvent.objects.filter(agency=agency).delete()
    Session.objects.filter(agency=agency).delete()
    ServiceElement.objects.filter(agency=agency).delete()
    Program.objects.filter(agency=agency).delete()
    Client.objects.filter(agency=agency).delete()
    Location.objects.filter(agency=agency).delete()
    User.objects.filter(memberships__agency=agency, email__endswith="@bench.invalid").delete()
    network = agency.network
    agency.delete()
    network.delete()


def _rush(
    session: Session, people: list[Client], workers: int, start_line: Any = None
) -> tuple[list[float], list[str], float]:
    todo: queue.SimpleQueue[Client] = queue.SimpleQueue()
    for person in people:
        todo.put(person)
    latencies: list[float] = []
    errors: list[str] = []
    start_line = start_line or threading.Barrier(workers)

    def work() -> None:
        mine: list[float] = []
        try:
            start_line.wait()
            while True:
                try:
                    person = todo.get_nowait()
                except queue.Empty:
                    break
                began = time.perf_counter()
                try:
                    services.registration_create(
                        session=session,
                        client=person,
                        mode=AttendanceMode.IN_PERSON,
                        actor=None,
                        channel="api",
                    )
                except Exception as error:  # noqa: BLE001 — a benchmark reports every failure
                    errors.append(f"{type(error).__name__}: {error}")
                else:
                    mine.append(time.perf_counter() - began)
        finally:
            latencies.extend(mine)
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - began


def _rush_in_processes(
    session: Session, people: list[Client], *, workers: int, processes: int
) -> tuple[list[float], list[str], float]:
    """`_rush` with its `workers` threads split over `processes` forked processes, all started
    at one barrier: one Python process alone is bounded by its interpreter lock."""
    threads = max(1, workers // processes)
    context = multiprocessing.get_context("fork")
    start_line = context.Barrier(threads * processes)
    results = context.Queue()
    connections.close_all()  # no connection may cross a fork

    def child(share: list[Client]) -> None:
        results.put(_rush(session, share, threads, start_line)[:2])

    children = [
        context.Process(target=child, args=(people[index::processes],))
        for index in range(processes)
    ]
    began = time.perf_counter()
    for process in children:
        process.start()
    latencies: list[float] = []
    errors: list[str] = []
    for _ in children:
        mine, failed = results.get()
        latencies += mine
        errors += failed
    elapsed = time.perf_counter() - began
    for process in children:
        process.join()
    return latencies, errors, elapsed


def _signed_in_cookies(people: list[Client]) -> list[dict[str, str]]:
    """A signed-in web session (and a CSRF cookie) for each client, who gets a login first."""
    users = User.objects.bulk_create(
        User(email=f"{person.pk}-{secrets.token_hex(4)}@bench.invalid", password="!")
        for person in people
    )
    if users and users[0].pk is None:
        users = [User.objects.get(email=user.email) for user in users]
    Membership.objects.bulk_create(
        Membership(agency_id=person.agency_id, user=user, role=Role.CLIENT)
        for person, user in zip(people, users, strict=True)
    )
    for person, user in zip(people, users, strict=True):
        person.user = user
    Client.objects.bulk_update(people, ["user"])
    csrf = get_random_string(32)
    cookies = []
    for user in users:
        browser = TestClient()
        browser.force_login(user)
        # As after the pages a client opens before registering: the session limits' clocks are
        # set, so the registration itself does not also write the web session.
        session = browser.session
        session[SIGNED_IN_AT] = session[SEEN_AT] = int(time.time())
        session.save()
        session_id = browser.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append({settings.SESSION_COOKIE_NAME: session_id, settings.CSRF_COOKIE_NAME: csrf})
    return cookies


def _http_rush(
    session: Session, people: list[Client], *, workers: int, server_workers: int, port: int
) -> tuple[LoadResult, LoadResult, float]:
    """The rush through `tremplin serve`: each client posts the registration form once."""
    cookies = _signed_in_cookies(people)
    with translation.override("en"):
        path = reverse(
            "programs:register",
            kwargs={"agency_slug": session.agency.slug, "session_id": session.pk},
        )

    def post(index: int) -> Request:
        data = {
            "mode": AttendanceMode.IN_PERSON,
            "csrfmiddlewaretoken": cookies[index]["csrftoken"],
        }
        return form_post(path, data, cookies[index])

    with serving(port=port, workers=server_workers) as server:
        bare = hammer(
            port=port,
            requests=get("/healthz"),
            concurrency=workers,
            seconds=3,
            server_pid=server.pid,
        )
        rush = hammer(
            port=port, requests=post, concurrency=workers, total=len(people), server_pid=server.pid
        )
    return rush, bare, server.started_in


def _broken_invariants(session: Session, *, clients: int, seats: int, errors: int) -> list[str]:
    registrations = Registration.objects.filter(session=session)
    confirmed = list(
        registrations.filter(status=RegistrationStatus.CONFIRMED).values_list(
            "created_at", flat=True
        )
    )
    waiting = list(
        registrations.filter(status=RegistrationStatus.WAITLISTED)
        .order_by("waitlist_position")
        .values_list("waitlist_position", "created_at")
    )
    broken = []
    if errors:
        broken.append(f"{errors} registrations failed")
    if len(confirmed) > seats:
        broken.append(f"overbooked: {len(confirmed)} confirmed for {seats} seats")
    if len(confirmed) != min(seats, clients - errors):
        broken.append(f"{len(confirmed)} confirmed, expected {min(seats, clients - errors)}")
    if [position for position, _ in waiting] != list(range(1, len(waiting) + 1)):
        broken.append("waitlist positions are not 1…n without gaps")
    arrival = [created for _, created in waiting]
    if arrival != sorted(arrival) or (confirmed and arrival and max(confirmed) > min(arrival)):
        broken.append("not first come, first served")
    return broken


def run_registrations(command: BaseCommand, options: dict[str, Any]) -> bool:
    clients, seats, workers = options["clients"], options["seats"], options["workers"]
    if min(clients, seats, workers, options["processes"]) < 1:
        command.stderr.write("--clients, --seats, --workers and --processes must be at least 1.")
        return False
    out = command.stdout.write
    bare = None
    with scopes_disabled():
        session, people = _create_world(clients=clients, seats=seats)
        try:
            if options["http"]:
                rush, bare, _started = _http_rush(
                    session,
                    people,
                    workers=workers,
                    server_workers=options["server_workers"],
                    port=options["port"],
                )
                latencies = [ms / 1000 for ms in rush.latencies_ms]
                errors = [f"HTTP {code}" for code, n in rush.statuses.items() for _ in range(n)]
                errors = [error for error in errors if error not in ("HTTP 302",)]
                elapsed = rush.seconds
            elif options["processes"] > 1:
                latencies, errors, elapsed = _rush_in_processes(
                    session, people, workers=workers, processes=options["processes"]
                )
            else:
                latencies, errors, elapsed = _rush(session, people, workers)
            registrations = Registration.objects.filter(session=session)
            confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
            waitlisted = registrations.filter(status=RegistrationStatus.WAITLISTED).count()
            broken = _broken_invariants(session, clients=clients, seats=seats, errors=len(errors))
        finally:
            _delete_world(session)

    p50 = statistics.median(latencies) if latencies else 0.0
    p95 = statistics.quantiles(latencies, n=100)[94] if len(latencies) > 1 else p50
    how = (
        f"over HTTP ({options['server_workers']} server workers)"
        if bare
        else f"service level ({options['processes']} process(es))"
    )
    out(f"bench registrations {how} on {connection.vendor} ({connection.settings_dict['NAME']})")
    out(f"  clients {clients} · seats {seats} · concurrent {workers}")
    out(f"  confirmed          {confirmed}")
    out(f"  waitlisted         {waitlisted}")
    out(f"  errors             {len(errors)}")
    for message in sorted(set(errors))[:5]:
        out(f"    {message}")
    out(f"  elapsed            {elapsed:.2f} s")
    out(f"  registrations/s    {len(latencies) / elapsed:.0f}")
    out(f"  latency p50        {p50 * 1000:.1f} ms")
    out(f"  latency p95        {p95 * 1000:.1f} ms")
    out(f"  latency max        {max(latencies, default=0.0) * 1000:.1f} ms")
    if bare is not None:
        ratio = (len(latencies) / elapsed) / bare.per_second if bare.per_second else 0.0
        out(
            f"  /healthz same run  {bare.per_second:.0f} req/s, p50 {bare.percentile(50):.1f} ms, "
            f"p95 {bare.percentile(95):.1f} ms → registrations at {ratio:.2f} × healthz"
        )
        if rush.cpu_ms:
            out(f"  CPU per request    registration: {cpu_summary(rush)}")
            out(f"                     /healthz:     {cpu_summary(bare)}")
    out(f"  invariants         {'OK' if not broken else 'BROKEN'}")
    for problem in broken:
        out(f"    {problem}")
    return not broken
