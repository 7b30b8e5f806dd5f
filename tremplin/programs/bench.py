"""`tremplin bench registrations`: a registration rush against the configured database.

Creates a throwaway agency with one in-person session of `--seats` seats and `--clients`
clients, then registers every client at once from `--workers` threads (each with its own
database connection) through `services.registration_create`, the function the web pages,
the assistant and the API use. Prints the figures, checks the invariants and deletes
everything it created.
"""

import queue
import secrets
import statistics
import threading
import time
from argparse import _SubParsersAction
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, connections
from django.utils import timezone
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString

from tremplin.agencies.models import Agency, Location, LocationKind, Network
from tremplin.audit.models import AuditEvent
from tremplin.clients.models import Client
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
    network = agency.network
    agency.delete()
    network.delete()


def _rush(
    session: Session, people: list[Client], workers: int
) -> tuple[list[float], list[str], float]:
    todo: queue.SimpleQueue[Client] = queue.SimpleQueue()
    for person in people:
        todo.put(person)
    latencies: list[float] = []
    errors: list[str] = []
    start_line = threading.Barrier(workers)

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
    if min(clients, seats, workers) < 1:
        command.stderr.write("--clients, --seats and --workers must be at least 1.")
        return False
    out = command.stdout.write
    with scopes_disabled():
        session, people = _create_world(clients=clients, seats=seats)
        try:
            latencies, errors, elapsed = _rush(session, people, workers)
            registrations = Registration.objects.filter(session=session)
            confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
            waitlisted = registrations.filter(status=RegistrationStatus.WAITLISTED).count()
            broken = _broken_invariants(session, clients=clients, seats=seats, errors=len(errors))
        finally:
            _delete_world(session)

    p50 = statistics.median(latencies) if latencies else 0.0
    p95 = statistics.quantiles(latencies, n=100)[94] if len(latencies) > 1 else p50
    out(f"bench registrations on {connection.vendor} ({connection.settings_dict['NAME']})")
    out(f"  clients {clients} · seats {seats} · workers {workers}")
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
    out(f"  invariants         {'OK' if not broken else 'BROKEN'}")
    for problem in broken:
        out(f"    {problem}")
    return not broken
