"""No double booking of a hiring-event time slot under a rush, on PostgreSQL with real
concurrent connections (the pattern of programs/tests/test_concurrency.py).

Fifty registered clients wait at a barrier, then all book the same one-person slot at once.
With the slot row lock exactly one booking exists and 49 are refused as "taken". The control
run switches the lock off (`services._LOCK_SLOT_ROWS`) and pauses 50 ms between counting the
bookings and inserting: it must double-book, proof that this test would catch a missing lock.
"""

import threading
import time
from dataclasses import dataclass, field

import pytest
from django.db import connection, connections
from django_scopes import scope

from tremplin.agencies.tests.factories import AgencyFactory
from tremplin.clients.tests.factories import ClientFactory
from tremplin.employers import services
from tremplin.employers.models import SlotBooking
from tremplin.employers.tests.factories import TimeSlotFactory
from tremplin.programs.models import AttendanceMode, Registration, RegistrationStatus

RACERS = 50


@dataclass
class Rush:
    booked: int = 0
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def rush(agency) -> Rush:
    slot = TimeSlotFactory(participant__event__session__element__program__agency=agency)
    session = slot.participant.event.session
    clients = ClientFactory.create_batch(RACERS, agency=agency)
    Registration.objects.bulk_create(
        Registration(
            agency=agency,
            session=session,
            client=client,
            mode=AttendanceMode.ONLINE,
            status=RegistrationStatus.CONFIRMED,
        )
        for client in clients
    )
    barrier = threading.Barrier(RACERS)
    result = Rush()

    def book(client) -> None:
        try:
            barrier.wait(timeout=30)
            with scope(agency=agency.pk):  # what a request's AgencyMiddleware enters
                services.slot_book(slot=slot, client=client, actor=None, share_profile=True)
        except services.EmployersError as refusal:
            result.refused.append(refusal.code)
        except Exception as error:  # noqa: BLE001 — every failure is reported by the test
            result.errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    result.booked = SlotBooking.objects.filter(slot=slot, cancelled_at__isnull=True).count()
    return result


@pytest.mark.postgres_only
def test_a_rush_never_double_books_a_slot_and_the_unlocked_control_does(
    transactional_db, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks and real concurrency need PostgreSQL.")
    agency = AgencyFactory()

    locked = rush(agency)
    assert locked.errors == []
    assert locked.booked == 1
    assert locked.refused == ["taken"] * (RACERS - 1)

    monkeypatch.setattr(services, "_LOCK_SLOT_ROWS", False)
    count_bookings = services._active_bookings

    def count_then_pause(slot):
        counted = count_bookings(slot)
        time.sleep(0.05)
        return counted

    monkeypatch.setattr(services, "_active_bookings", count_then_pause)
    unlocked = rush(agency)
    assert unlocked.booked > 1, "without the lock the rush must double-book, or this proves nothing"
