"""No overbooking under a rush, on PostgreSQL with real concurrent connections.

Fifty threads (each with its own database connection) wait at a barrier, then all register
at once for a session with 10 seats. With the session row lock, exactly 10 are confirmed and
the other 40 form a gapless, first-come-first-served waitlist. The control run in the same
test switches the lock off (`services._LOCK_SESSION_ROWS`) and must overbook — proof that
the race really happens and that this test would catch a missing lock. To make the control
run overbook every time rather than most times, its seat-deciding insert sleeps 50 ms after
its snapshot is taken and before it counts (the window every unlocked request has anyway, only
wider).
"""

import threading
from dataclasses import dataclass, field

import pytest
from django.db import connection, connections, transaction

from tremplin.agencies.tests.factories import AgencyFactory
from tremplin.api.models import WebhookEvent
from tremplin.api.services import webhook_endpoint_create
from tremplin.audit.models import AuditEvent
from tremplin.clients.tests.factories import ClientFactory
from tremplin.core.choices import DeliveryMode
from tremplin.programs import services
from tremplin.programs.models import AttendanceMode, Registration, RegistrationStatus
from tremplin.programs.tests.factories import SessionFactory

RACERS = 50
SEATS = 10


@dataclass
class Race:
    confirmed: int = 0
    waitlisted: int = 0
    positions: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def race(agency) -> Race:
    session = SessionFactory(
        element__program__agency=agency,
        delivery_mode=DeliveryMode.IN_PERSON,
        in_person_capacity=SEATS,
    )
    clients = ClientFactory.create_batch(RACERS, agency=agency)
    barrier = threading.Barrier(RACERS)
    result = Race()

    def register(client) -> None:
        try:
            barrier.wait(timeout=30)
            services.registration_create(
                session=session, client=client, mode=AttendanceMode.IN_PERSON, actor=None
            )
        except Exception as error:  # noqa: BLE001 — every failure is reported by the test
            result.errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    registrations = Registration.objects.filter(session=session)
    result.confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    result.waitlisted = registrations.filter(status=RegistrationStatus.WAITLISTED).count()
    result.positions = sorted(
        registrations.filter(status=RegistrationStatus.WAITLISTED).values_list(
            "waitlist_position", flat=True
        )
    )
    return result


@pytest.mark.postgres_only
def test_a_rush_never_overbooks_and_the_unlocked_control_does(transactional_db, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks and real concurrency need PostgreSQL.")
    agency = AgencyFactory()

    locked = race(agency)
    assert locked.errors == []
    assert (locked.confirmed, locked.waitlisted) == (SEATS, RACERS - SEATS)
    assert locked.positions == list(range(1, RACERS - SEATS + 1))

    monkeypatch.setattr(services, "_LOCK_SESSION_ROWS", False)
    sessions = "FROM {sessions} s\n"
    assert sessions in services._PLACED_INSERT
    monkeypatch.setattr(
        services,
        "_PLACED_INSERT",
        services._PLACED_INSERT.replace(
            sessions, "FROM {sessions} s CROSS JOIN (SELECT pg_sleep(0.05)) AS pause\n"
        ),
    )
    unlocked = race(agency)
    assert unlocked.confirmed > SEATS, (
        "without the lock the race must overbook, or this test proves nothing"
    )


class RolledBack(Exception):
    pass


@pytest.mark.postgres_only
def test_the_placing_statement_is_a_transaction_alone_only_when_nothing_goes_with_it(
    transactional_db, settings
):
    # Alone, the statement commits the registration and its audit event as it ends (the lock
    # goes with it); in a caller's transaction it must roll back with the rest; with a webhook
    # event to write beside it, both commit together.
    if connection.vendor != "postgresql":
        pytest.skip("The one-statement transaction is PostgreSQL's path.")
    agency = AgencyFactory()
    session = SessionFactory(
        element__program__agency=agency, delivery_mode=DeliveryMode.IN_PERSON, in_person_capacity=1
    )
    first, second, third = ClientFactory.create_batch(3, agency=agency)
    IN = AttendanceMode.IN_PERSON

    alone = services.registration_create(session=session, client=first, mode=IN, actor=None)
    assert not connection.in_atomic_block
    event = AuditEvent.objects.get(action="registration.create", object_id=str(alone.pk))
    assert (event.client_id, event.detail["status"]) == (first.pk, RegistrationStatus.CONFIRMED)
    written = Registration.objects.count(), AuditEvent.objects.count()
    with pytest.raises(services.RegistrationRefused) as refused:
        services.registration_create(session=session, client=first, mode=IN, actor=None)
    assert refused.value.code == "duplicate"
    assert (Registration.objects.count(), AuditEvent.objects.count()) == written

    with pytest.raises(RolledBack), transaction.atomic():
        services.registration_create(session=session, client=second, mode=IN, actor=None)
        raise RolledBack
    assert not Registration.objects.filter(client=second).exists()
    assert (Registration.objects.count(), AuditEvent.objects.count()) == written

    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True  # an address nobody answers: none is sent
    webhook_endpoint_create(
        agency=agency, actor=None, url="https://127.0.0.1:9/in", events=["registration.created"]
    )
    waiting = services.registration_create(session=session, client=third, mode=IN, actor=None)
    assert waiting.status == RegistrationStatus.WAITLISTED
    announced = WebhookEvent.objects.with_scope(agency=agency.pk).get(
        event_type="registration.created"
    )
    assert announced.object_id == str(waiting.pk)
