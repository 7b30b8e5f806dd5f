from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from tremplin.api import services
from tremplin.api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tremplin.api.tests.receiver import Receiver, serve
from tremplin.api.webhooks import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    webhook_deliveries_send,
    webhook_listeners,
)
from tremplin.clients.tests.factories import ClientFactory
from tremplin.programs import services as programs
from tremplin.programs.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    # The local receivers listen on 127.0.0.1, which production refuses (addresses.py).
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
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


# ---------------------------------------------------------------------------------------------
# No request forgery: private, loopback, link-local and reserved addresses are refused


PRIVATE_URLS = [
    "https://127.0.0.1/hook",
    "https://127.1/hook",  # the short form of 127.0.0.1
    "https://2130706433/hook",  # 127.0.0.1 as one number
    "https://10.1.2.3/hook",
    "https://172.16.0.9/hook",
    "https://192.168.1.1:8443/hook",
    "https://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
    "https://100.64.0.1/hook",  # shared address space (carrier-grade NAT)
    "https://0.0.0.0/hook",
    "https://240.0.0.1/hook",  # reserved
    "https://224.0.0.1/hook",  # multicast
    "https://[::1]/hook",
    "https://[fd00::1]/hook",  # unique local
    "https://[fe80::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",  # IPv4-mapped loopback
    "https://[2002:a00:1::]/hook",  # 6to4 of 10.0.0.1
    "https://localhost/hook",
    "https://api.localhost/hook",
]


def fake_dns(monkeypatch, table: dict[str, list[str]]):
    """getaddrinfo answering from `table` (other names: unknown), as the resolver would."""
    import socket

    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port),
                )
                for a in table[host]
            ]
        if any(c.isalpha() for c in str(host)) and ":" not in str(host):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_private_addresses_are_refused_at_subscription(agency, url, monkeypatch):
    fake_dns(monkeypatch, {})
    with pytest.raises(ValidationError) as refused:
        services.webhook_endpoint_create(
            agency=agency, actor=None, url=url, events=["course.completed"]
        )
    assert "private or local network" in str(refused.value.message_dict["url"])
    assert not WebhookEndpoint.objects.exists()


def test_a_name_resolving_to_a_private_address_is_refused_and_unknown_names_wait(
    agency, monkeypatch
):
    fake_dns(
        monkeypatch,
        {
            "intranet.example.org": ["93.184.215.14", "10.0.0.7"],  # any private one is enough
            "hooks.example.org": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
        },
    )
    with pytest.raises(ValidationError, match="private or local network"):
        services.webhook_endpoint_create(
            agency=agency,
            actor=None,
            url="https://intranet.example.org/",
            events=["course.completed"],
        )
    for url in ("https://hooks.example.org/in", "https://not-yet-registered.example.net/in"):
        services.webhook_endpoint_create(
            agency=agency, actor=None, url=url, events=["course.completed"]
        )
    assert WebhookEndpoint.objects.count() == 2
    with pytest.raises(ValidationError, match="valid address"):
        services.webhook_endpoint_create(
            agency=agency,
            actor=None,
            url="https://hooks.example.org:99999/",
            events=["course.completed"],
        )


def test_the_staff_form_explains_the_refusal_in_french(client, agency, agency_admin, monkeypatch):
    fake_dns(monkeypatch, {})
    client.force_login(agency_admin)
    page = client.post(
        f"/fr/a/{agency.slug}/api/webhooks/",
        {"url": "https://169.254.169.254/", "events": ["course.completed"]},
    )
    assert page.status_code == 400 and not WebhookEndpoint.objects.exists()
    assert "réseau privé ou local" in page.content.decode()


def test_delivery_refuses_a_name_re_pointed_to_a_private_address(
    agency, receiver, monkeypatch, settings
):
    """DNS rebinding: public at subscription, 127.0.0.1 at delivery. The worker resolves again,
    refuses, and nothing reaches the receiver; allowed again, it connects to the checked
    address (the receiver on 127.0.0.1), with the name in the Host header."""
    rec = receiver()
    table = {"rebind.example.org": ["93.184.215.14"]}
    fake_dns(monkeypatch, table)
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    endpoint = services.webhook_endpoint_create(
        agency=agency,
        actor=None,
        url="https://rebind.example.org/hook",
        events=["registration.created"],
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        url=f"http://rebind.example.org:{rec.port}/hook"  # plain http: the local test receiver
    )
    rec.secret = endpoint.secret
    table["rebind.example.org"] = ["127.0.0.1"]
    session = SessionFactory(element__program__agency=agency)
    programs.registration_create(
        session=session, client=ClientFactory(agency=agency), mode="online", actor=None
    )
    webhook_deliveries_send()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert "PrivateAddress" in delivery.last_error and "127.0.0.1" in delivery.last_error
    assert rec.requests == 0
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    drain()
    assert [p["type"] for p in rec.received] == ["registration.created"]
    assert rec.hosts == [f"rebind.example.org:{rec.port}"]


def test_redirects_are_not_followed(agency, receiver):
    rec = receiver(status_after=302)
    subscribe(agency, rec)
    session = SessionFactory(element__program__agency=agency)
    programs.registration_create(
        session=session, client=ClientFactory(agency=agency), mode="online", actor=None
    )
    webhook_deliveries_send()
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status_code == 302 and delivery.status == DeliveryStatus.PENDING


def test_https_deliveries_connect_to_the_checked_address(monkeypatch):
    """The TCP connection goes to the address that was checked (no second lookup), the name
    is kept for TLS and Host."""
    import socket

    from tremplin.api import addresses

    fake_dns(monkeypatch, {"hooks.example.org": ["93.184.215.14"]})
    dialled = []

    def create_connection(address, *args, **kwargs):
        dialled.append(address)
        raise ConnectionRefusedError("test: no network")

    monkeypatch.setattr(socket, "create_connection", create_connection)
    with pytest.raises(ConnectionRefusedError):
        addresses.post("https://hooks.example.org/in?x=1", b"{}", {}, timeout=1)
    assert dialled == [("93.184.215.14", 443)]
    with pytest.raises(addresses.PrivateAddress):
        addresses.post("https://[::1]:8443/in", b"{}", {}, timeout=1)
    assert len(dialled) == 1


def test_registrations_see_an_endpoint_change_once_it_is_committed(
    agency, receiver, django_capture_on_commit_callbacks
):
    # The subscribers are cached in the shared cache for the registrations' sake; a save or
    # delete of an endpoint must reach every reader after its commit.
    created = "registration.created"
    assert listener_ids(agency, created) == []
    with django_capture_on_commit_callbacks(execute=True):
        endpoint = subscribe(agency, receiver(), events=[created])
    assert listener_ids(agency, created) == [endpoint.pk]
    assert listener_ids(agency, "registration.cancelled") == []
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_endpoint_set_active(endpoint=endpoint, active=False, actor=None)
    assert listener_ids(agency, created) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_endpoint_set_active(endpoint=endpoint, active=True, actor=None)
    assert listener_ids(agency, created) == [endpoint.pk]
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_endpoint_delete(endpoint=endpoint, actor=None)
    assert listener_ids(agency, created) == []


def listener_ids(agency, event_type: str) -> list[int]:
    return [endpoint.pk for endpoint in webhook_listeners(agency=agency, event_type=event_type)]
