"""Twilio callbacks and inbound STOP, staff outbox pages, the client's own choices."""

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from tremplin.clients.selectors import consent_allows
from tremplin.clients.tests.factories import ClientFactory
from tremplin.messaging import outbox
from tremplin.messaging.models import (
    MessageTemplate,
    MessagingPreference,
    OutboundMessage,
    OutboundStatus,
    ProviderCallback,
)
from tremplin.messaging.services import notify
from tremplin.messaging.tests.helpers import consent

pytestmark = pytest.mark.django_db
TOKEN = "test-auth-token"


@pytest.fixture
def twilio(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    return settings


def signed_post(client, path, data, *, token=TOKEN):
    url = f"http://testserver{path}"
    signature = RequestValidator(token).compute_signature(url, data)
    return client.post(path, data, HTTP_X_TWILIO_SIGNATURE=signature)


def sent_sms(agency):
    person = ClientFactory(agency=agency, preferred_channels=["sms", "email"])
    consent(person, "sms", "email")
    [message] = notify(message_type="course_nudge", client=person)
    outbox.drain()
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT
    return message


def test_a_signed_delivery_report_is_applied_once(client, agency, twilio):
    message = sent_sms(agency)
    path = f"/messaging/twilio/{agency.slug}/status/"
    data = {"MessageSid": message.provider_message_id, "MessageStatus": "delivered"}
    assert signed_post(client, path, data).status_code == 204
    assert signed_post(client, path, data).status_code == 204  # duplicate: ignored
    message.refresh_from_db()
    assert message.status == OutboundStatus.DELIVERED and message.delivered_at
    assert message.events.filter(status="delivered").count() == 1
    assert (
        ProviderCallback.objects.filter(provider_message_id=message.provider_message_id).count()
        == 1
    )


def test_unsigned_or_wrongly_signed_reports_are_refused(client, agency, twilio):
    message = sent_sms(agency)
    path = f"/messaging/twilio/{agency.slug}/status/"
    data = {"MessageSid": message.provider_message_id, "MessageStatus": "delivered"}
    assert client.post(path, data).status_code == 403
    assert signed_post(client, path, data, token="another-token").status_code == 403
    assert client.get(path).status_code in (403, 405)
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT and not ProviderCallback.objects.exists()


def test_an_undelivered_report_fails_the_message_and_tries_the_next_channel(client, agency, twilio):
    message = sent_sms(agency)
    data = {
        "MessageSid": message.provider_message_id,
        "MessageStatus": "undelivered",
        "ErrorCode": "30005",
    }
    signed_post(client, f"/messaging/twilio/{agency.slug}/status/", data)
    message.refresh_from_db()
    assert message.status == OutboundStatus.FAILED and "30005" in message.error
    assert message.children.get().channel == "email"


def test_stop_by_sms_withdraws_consent_and_is_confirmed_once(client, agency, twilio):
    person = ClientFactory(agency=agency, phone="+14035550199")
    consent(person, "sms")
    path = f"/sms/{agency.slug}/"
    first = signed_post(client, path, {"From": "+14035550199", "Body": "STOP"})
    assert first.status_code == 200 and b"no longer receive text messages" in first.content
    assert not consent_allows(client=person, purpose="contact_sms")
    again = signed_post(client, path, {"From": "+14035550199", "Body": "stop"})
    assert b"<Message>" not in again.content


def test_staff_see_counts_failures_with_reasons_and_resend(
    client, agency, counsellor, django_capture_on_commit_callbacks
):
    person = ClientFactory(agency=agency, phone="12", preferred_channels=["sms"])
    consent(person, "sms")
    [message] = notify(message_type="course_nudge", client=person)
    outbox.drain()
    client.force_login(counsellor)
    page = client.get(reverse("messaging:outbox", kwargs={"agency_slug": agency.slug}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "not a valid phone number" in html and "Send again" in html
    history = client.get(
        reverse(
            "messaging:client_messages", kwargs={"agency_slug": agency.slug, "client_id": person.pk}
        )
    )
    assert history.status_code == 200 and message.text in history.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("messaging:resend", kwargs={"agency_slug": agency.slug}),
            {"message": message.pk},
        )
    assert response.status_code == 302
    copy = OutboundMessage.objects.get(parent=message)
    assert copy.text == message.text and copy.status == OutboundStatus.FAILED  # still a bad number
    assert (
        client.post(
            reverse("messaging:resend", kwargs={"agency_slug": agency.slug}), {"message": "x"}
        ).status_code
        == 302
    )


def test_a_facilitator_sees_the_outbox_but_cannot_resend(client, agency, facilitator):
    client.force_login(facilitator)
    assert (
        client.get(reverse("messaging:outbox", kwargs={"agency_slug": agency.slug})).status_code
        == 200
    )
    assert (
        client.post(
            reverse("messaging:resend", kwargs={"agency_slug": agency.slug}), {"message": 1}
        ).status_code
        == 404
    )


def test_clients_choose_kinds_per_channel_and_their_time_zone(client, agency, client_user):
    client.force_login(client_user)
    url = reverse("messaging:preferences", kwargs={"agency_slug": agency.slug})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"wanted": ["reminders:sms", "sessions:email", "bogus:x"], "time_zone": "America/Halifax"},
    )
    assert response.status_code == 302
    preference = MessagingPreference.objects.get(client__user=client_user)
    assert preference.time_zone == "America/Halifax"
    assert "reminders:sms" not in preference.disabled and "surveys:sms" in preference.disabled
    bad = client.post(url, {"time_zone": "Mars/Olympus"})
    assert bad.status_code == 200
    preference.refresh_from_db()
    assert preference.time_zone == "America/Halifax"


def test_admins_add_a_language_for_a_type(client, agency, agency_admin):
    client.force_login(agency_admin)
    url = reverse("messaging:templates", kwargs={"agency_slug": agency.slug})
    assert (
        client.post(
            url, {"message_type": "course_nudge", "language": "es", "body": "Hola {first_name}"}
        ).status_code
        == 302
    )
    assert MessageTemplate.objects.get(agency=agency, language="es").body == "Hola {first_name}"
    refused = client.post(url, {"message_type": "course_nudge", "language": "e s!", "body": "x"})
    assert refused.status_code == 200 and MessageTemplate.objects.count() == 1
