"""`tremplin bench api`: requests per second of the main API list and create endpoints.

Creates a throwaway agency (sessions, clients, registrations, a token with every scope) in
the configured database, then, for each endpoint, sends requests from `--workers` threads for
`--seconds` through Django's WSGI handler in this process (each thread with its own database
connection, so PostgreSQL sees real concurrency). Every request is the full stack: token
lookup, scope, rate counter, the view, the audit row. Prints requests/s and latency
percentiles, checks that nothing answered 5xx and no session is overbooked, and deletes
everything it created.
"""

import json
import secrets
import statistics
import threading
import time
from argparse import _SubParsersAction
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections
from django.test import Client as TestClient
from django.utils import timezone
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString

from tremplin.agencies.models import Agency, Location, LocationKind, Network
from tremplin.api.models import AGENCY_SCOPES, ApiToken, IdempotencyKey
from tremplin.api.services import token_create
from tremplin.audit.models import AuditEvent
from tremplin.clients.models import Client
from tremplin.programs.models import (
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
        "api", help="Requests per second of the API's main list and create endpoints."
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="Per endpoint (default 5).")
    parser.add_argument("--workers", type=int, default=4, help="Concurrent threads (default 4).")
    parser.add_argument(
        "--clients", type=int, default=2000, help="Clients in the agency (default 2000)."
    )
    parser.add_argument(
        "--sessions", type=int, default=200, help="Sessions in the agency (default 200)."
    )
    parser.set_defaults(run=run_api)


def _world(*, clients: int, sessions: int) -> tuple[Agency, list[Session], list[int], str]:
    tag = secrets.token_hex(4)
    network = Network.objects.create(slug=f"bench-{tag}", name=LazyI18nString({"en": "Bench"}))
    agency = Agency.objects.create(
        network=network, slug=f"bench-{tag}", name=LazyI18nString({"en": "Bench"}), province="ON"
    )
    location = Location.objects.create(agency=agency, name="Room", kind=LocationKind.URBAN)
    program = Program.objects.create(network=network, agency=agency, title="Bench program")
    element = ServiceElement.objects.create(
        agency=agency, program=program, service_type=ServiceType.WORKSHOP, title="Workshop"
    )
    start = timezone.now() + timedelta(days=7)
    made = Session.objects.bulk_create(
        Session(
            agency=agency,
            element=element,
            title=LazyI18nString({"en": f"Session {n}"}),
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n, minutes=90),
            delivery_mode=DeliveryMode.HYBRID,
            in_person_capacity=20,
            location=location,
            online_capacity=20,
            join_url="https://meet.example.org/bench",
        )
        for n in range(sessions)
    )
    people = Client.objects.bulk_create(
        Client(
            agency=agency, first_name="Bench", last_name=f"Person{n}", email=f"b{n}@bench.invalid"
        )
        for n in range(clients)
    )
    _token, secret = token_create(
        agency=agency,
        network=network,
        actor=None,
        name="bench",
        scopes=AGENCY_SCOPES,
        expires_at=timezone.now() + timedelta(days=1),
        rate_limit_per_minute=10**9,
    )
    return agency, made, [p.pk for p in people], secret


def _delete_world(agency: Agency) -> None:
    network = agency.network
    IdempotencyKey.objects.filter(agency=agency).delete()
    ApiToken.objects.filter(agency=agency).delete()
    Registration.objects.filter(agency=agency).delete()
    AuditEvent.objects.filter(agency=agency).delete()
    Session.objects.filter(agency=agency).delete()
    ServiceElement.objects.filter(agency=agency).delete()
    Program.objects.filter(agency=agency).delete()
    Client.objects.filter(agency=agency).delete()
    Location.objects.filter(agency=agency).delete()
    agency.delete()
    network.delete()


Call = Callable[[TestClient, int], Any]


def _host() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")]
    return hosts[0] if hosts else "localhost"


def _hammer(call: Call, *, secret: str, workers: int, seconds: float) -> dict[str, Any]:
    counter = iter(range(10**12))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds

    def work() -> None:
        http = TestClient(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_HOST=_host())
        try:
            while time.perf_counter() < deadline:
                with lock:
                    index = next(counter)
                began = time.perf_counter()
                response = call(http, index)
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    latencies.append(elapsed)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        finally:
            connections.close_all()

    began = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies) or [0.0]
    return {
        "requests": len(latencies),
        "per_second": len(latencies) / elapsed if elapsed else 0.0,
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "statuses": statuses,
    }


def run_api(command: BaseCommand, options: dict[str, Any]) -> bool:
    out = command.stdout
    with scopes_disabled():
        agency, sessions, client_ids, secret = _world(
            clients=options["clients"], sessions=options["sessions"]
        )
    base = f"/api/v1/agencies/{agency.slug}/"

    def post(http: TestClient, path: str, body: dict) -> Any:
        return http.post(base + path, json.dumps(body), content_type="application/json")

    session_ids = [s.pk for s in sessions]
    endpoints: list[tuple[str, Call]] = [
        ("GET  sessions/ (50 per page)", lambda h, i: h.get(base + "sessions/?page_size=50")),
        ("GET  clients/ (50 per page)", lambda h, i: h.get(base + "clients/?page_size=50")),
        (
            "POST registrations/",
            lambda h, i: post(
                h,
                "registrations/",
                {
                    "session_id": session_ids[i % len(session_ids)],
                    "client_id": client_ids[i % len(client_ids)],
                    "mode": "online" if i % 2 else "in_person",
                },
            ),
        ),
        (
            "GET  registrations/ (expand)",
            lambda h, i: h.get(base + "registrations/?page_size=50&expand=session&expand=client"),
        ),
        (
            "POST clients/",
            lambda h, i: post(h, "clients/", {"first_name": "New", "last_name": f"Person{i}"}),
        ),
    ]
    ok = True
    out.write(
        f"database: {connections['default'].vendor}, workers: {options['workers']}, "
        f"{options['seconds']:.0f} s per endpoint, {len(client_ids)} clients, "
        f"{len(session_ids)} sessions"
    )
    try:
        for label, call in endpoints:
            figures = _hammer(
                call, secret=secret, workers=options["workers"], seconds=options["seconds"]
            )
            errors = sum(n for code, n in figures["statuses"].items() if code >= 500)
            ok = ok and errors == 0
            out.write(
                f"{label:34} {figures['per_second']:8.1f} req/s  p50 {figures['p50']:6.1f} ms  "
                f"p95 {figures['p95']:6.1f} ms  statuses {dict(sorted(figures['statuses'].items()))}"
            )
        with scopes_disabled():
            for session in sessions:
                for mode, capacity in (("in_person", 20), ("online", 20)):
                    confirmed = Registration.objects.filter(
                        session=session, mode=mode, status=RegistrationStatus.CONFIRMED
                    ).count()
                    if confirmed > capacity:
                        out.write(f"OVERBOOKED session {session.pk} {mode}: {confirmed}")
                        ok = False
        out.write("invariants: " + ("ok (no 5xx, no overbooking)" if ok else "BROKEN"))
    finally:
        with scopes_disabled():
            _delete_world(agency)
    return ok
