"""The API under a rush, on PostgreSQL with real concurrent connections: registrations obey
capacity and the waitlist (the same service as the web), and one Idempotency-Key sent by
many clients at once creates one registration."""

import threading

import pytest
from django.core.cache import cache
from django.db import connection, connections

from tremplin.agencies.tests.factories import AgencyFactory
from tremplin.api.tests.factories import Api, make_token
from tremplin.clients.tests.factories import ClientFactory
from tremplin.core.choices import DeliveryMode
from tremplin.programs.models import Registration, RegistrationStatus
from tremplin.programs.tests.factories import SessionFactory

RACERS = 24
SEATS = 6


def rush(bodies: list[tuple[dict, dict]], secret: str, slug: str) -> list[int]:
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = []
    errors: list[str] = []

    def post(body: dict, headers: dict) -> None:
        try:
            api = Api(secret, slug)
            barrier.wait(timeout=30)
            statuses.append(api.post("registrations/", body, **headers).status_code)
        except Exception as error:  # noqa: BLE001 — reported by the test
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=args) for args in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return statuses


@pytest.fixture
def place(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks and real concurrency need PostgreSQL.")
    cache.clear()
    agency = AgencyFactory()
    session = SessionFactory(
        element__program__agency=agency,
        delivery_mode=DeliveryMode.IN_PERSON,
        in_person_capacity=SEATS,
        online_capacity=0,
    )
    _token, secret = make_token(agency=agency, rate_limit_per_minute=10_000)
    return agency, session, secret


@pytest.mark.postgres_only
def test_an_api_rush_obeys_capacity_and_the_waitlist(place):
    agency, session, secret = place
    clients = ClientFactory.create_batch(RACERS, agency=agency)
    bodies = [
        ({"session_id": session.pk, "client_id": c.pk, "mode": "in_person"}, {}) for c in clients
    ]
    assert rush(bodies, secret, agency.slug) == [201] * RACERS
    rows = Registration.objects.filter(session=session)
    assert rows.filter(status=RegistrationStatus.CONFIRMED).count() == SEATS
    positions = sorted(
        rows.filter(status=RegistrationStatus.WAITLISTED).values_list(
            "waitlist_position", flat=True
        )
    )
    assert positions == list(range(1, RACERS - SEATS + 1))


@pytest.mark.postgres_only
def test_one_idempotency_key_sent_concurrently_creates_one_registration(place):
    agency, session, secret = place
    client = ClientFactory(agency=agency)
    body = {"session_id": session.pk, "client_id": client.pk, "mode": "in_person"}
    statuses = rush([(body, {"Idempotency-Key": "same-key"})] * 12, secret, agency.slug)
    assert statuses == [201] * 12  # every caller gets the first answer
    assert Registration.objects.filter(session=session).count() == 1
