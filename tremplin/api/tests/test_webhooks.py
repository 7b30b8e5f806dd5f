from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from tremplin.api import services
from tremplin.api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tremplin.api.tests.receiver import Receiver, serve
from tremplin.api.webhooks import MAX_ATTEMPTS, RETRY_DELAYS, webhook_deliveries_send
from tremplin.clients.tests.factories import ClientFactory
from tremplin.programs import services as programs
from tremplin.programs.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    made = []

    def start(**options) -> Receiver:
        rec = Receiver(secret="", **options)
        made.append(serve(rec))
        return rec

    yield start
    for server in made:
        server.shutdown()
        server.server_close()


def subscribe(
    agency,
    rec: Receiver,
    events=("registration.created", "registration.cancelled", "registration.promoted"),
):
    endpoint = services.webhook_endpoint_create(
        agency=agency, actor=None, url=rec.url, events=list(events)
    )
    rec.secret = endpoint.secret
    return endpoint


def drain(max_rounds: int = 40) -> None:
    """Run the worker until nothing is waiting, jumping the clock past each back-off."""
    now = timezone.now()
    for _ in range(max_rounds):
        webhook_deliveries_send(now=now)
        if not WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, endpoint__is_active=True
        ).exists():
            return
        now += timedelta(hours=25)


def test_signatures_verify_with_the_reference_library(agency, receiver):
    rec = receiver()
    subscribe(agency, rec)
    session = SessionFactory(element__program__agency=agency)
    programs.registration_create(
        session=session, client=ClientFactory(agency=agency), mode="online", actor=None
    )
    drain()
    assert rec.bad_signatures == 0
    [payload] = rec.received
    assert payload["type"] == "registration.created"
    assert payload["data"]["object"] == "registration" and payload["data"]["agency"] == "alpha"
    # A tampered body does not verify.
    with pytest.raises(Exception):  # noqa: B017
        Webhook(rec.secret).verify(
            b'{"type":"x"}',
            {"webhook-id": "msg_1", "webhook-timestamp": "1", "webhook-signature": "v1,AAAA"},
        )


def test_a_receiver_that_fails_then_recovers_gets_every_event_in_order_per_object(agency, receiver):
    rec = receiver(fail_first=7)
    subscribe(agency, rec)
    session = SessionFactory(element__program__agency=agency, online_capacity=1)
    people = ClientFactory.create_batch(4, agency=agency)
    registrations = [
        programs.registration_create(session=session, client=person, mode="online", actor=None)
        for person in people
    ]
    programs.registration_cancel(registration=registrations[0], actor=None)  # promotes #1
    programs.registration_cancel(registration=registrations[2], actor=None)
    programs.registration_cancel(registration=registrations[1], actor=None)  # promotes #3
    drain()
    expected = {
        registrations[0].pk: ["registration.created", "registration.cancelled"],
        registrations[1].pk: [
            "registration.created",
            "registration.promoted",
            "registration.cancelled",
        ],
        registrations[2].pk: ["registration.created", "registration.cancelled"],
        registrations[3].pk: ["registration.created", "registration.promoted"],
    }
    got: dict[int, list[str]] = {}
    for payload in rec.received:
        got.setdefault(int(payload["data"]["id"]), []).append(payload["type"])
    assert got == expected
    assert len({p["webhook-id"] for p in rec.received}) == len(rec.received) == 9
    assert rec.bad_signatures == 0 and rec.requests > 9  # the failures were retried
    assert WebhookEndpoint.objects.get().is_active


def test_410_turns_the_endpoint_off_and_turning_it_on_resumes(agency, receiver):
    rec = receiver(status_after=410)
    endpoint = subscribe(agency, rec)
    session = SessionFactory(element__program__agency=agency)
    for person in ClientFactory.create_batch(2, agency=agency):
        programs.registration_create(session=session, client=person, mode="online", actor=None)
    drain()
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "410" in endpoint.disabled_reason
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).count() == 1
    rec.status_after = 200
    services.webhook_endpoint_set_active(endpoint=endpoint, active=True, actor=None)
    drain()
    assert len(rec.received) == 1


def test_retries_back_off_over_three_days_then_give_up_and_turn_off(agency, receiver):
    assert timedelta(days=2) < sum(RETRY_DELAYS, timedelta()) <= timedelta(days=3)
    rec = receiver(fail_first=10_000)
    endpoint = subscribe(agency, rec)
    session = SessionFactory(element__program__agency=agency)
    programs.registration_create(
        session=session, client=ClientFactory(agency=agency), mode="online", actor=None
    )
    delivery = WebhookDelivery.objects.get()
    now = timezone.now()
    webhook_deliveries_send(now=now)
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.next_attempt_at == now + RETRY_DELAYS[0]
    assert webhook_deliveries_send(now=now + timedelta(seconds=1)) == 0  # not due yet
    drain()
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == MAX_ATTEMPTS
    assert delivery.last_status_code == 500
    assert not endpoint.is_active


def test_no_event_when_the_change_rolls_back_and_none_without_subscribers(agency, receiver):
    session = SessionFactory(
        element__program__agency=agency, waitlist_enabled=False, online_capacity=1
    )
    programs.registration_create(
        session=session, client=ClientFactory(agency=agency), mode="online", actor=None
    )
    assert not WebhookDelivery.objects.exists()
    rec = receiver()
    subscribe(agency, rec)
    with pytest.raises(programs.RegistrationRefused):
        programs.registration_create(
            session=session, client=ClientFactory(agency=agency), mode="online", actor=None
        )
    assert not WebhookDelivery.objects.exists()


def test_webhook_addresses_must_be_https(agency, settings):
    settings.WEBHOOK_ALLOW_HTTP_LOCALHOST = False
    with pytest.raises(Exception, match="https"):
        services.webhook_endpoint_create(
            agency=agency, actor=None, url="http://127.0.0.1:8500/x", events=["course.completed"]
        )
