"""Email through django-anymail: the provider's message id is kept, and its delivery webhooks
(checked by anymail: basic auth for Postmark, a signature for Mailgun) move the message once."""

import base64
import hashlib
import hmac
import json

import pytest
from django.core import mail
from django.urls import reverse

from tremplin.clients.selectors import consent_allows
from tremplin.clients.tests.factories import ClientFactory
from tremplin.messaging import outbox
from tremplin.messaging.models import OptOut, OutboundMessage, OutboundStatus
from tremplin.messaging.services import notify
from tremplin.messaging.tests.helpers import consent

pytestmark = pytest.mark.django_db
SECRET = "tremplin:webhook-pass"
SIGNING_KEY = "mailgun-signing-key"


@pytest.fixture
def anymail(settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    return settings


def sent_email(agency, *, then_sms: bool = False):
    person = ClientFactory(agency=agency, preferred_channels=["email", "sms"])
    consent(person, "email", *(["sms"] if then_sms else []))
    [message] = notify(message_type="course_nudge", client=person, context={"course": "Excel"})
    outbox.drain()
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT
    return message


def basic(auth: str | None) -> dict[str, str]:
    if auth is None:
        return {}
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(auth.encode()).decode()}


def postmark(client, payload, *, auth: str | None = SECRET):
    return client.post(
        reverse("anymail:postmark_tracking_webhook"),
        json.dumps(payload),
        content_type="application/json",
        **basic(auth),
    )


def mailgun(client, message_id: str, event: str, *, key: str = SIGNING_KEY):
    timestamp, token = "1764600000", "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    payload = {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": event,
            "timestamp": 1764600000.0,
            "id": "evt",
            "recipient": "x@example.org",
            "message": {"headers": {"message-id": message_id}},
        },
    }
    return client.post(
        reverse("anymail:mailgun_tracking_webhook"),
        json.dumps(payload),
        content_type="application/json",
        **basic(SECRET),  # with a webhook secret set anymail checks both
    )


def test_email_goes_through_anymail_and_keeps_the_providers_id(agency, anymail):
    message = sent_email(agency)
    [email] = mail.outbox
    assert email.to == [message.to] and email.body == message.text
    assert email.anymail_test_params["metadata"] == {"tremplin_key": f"{message.pk}:1"}
    assert message.provider_message_id == str(email.anymail_status.message_id)


def test_a_delivery_report_with_basic_auth_is_applied_once(client, agency, anymail):
    message = sent_email(agency)
    report = {"RecordType": "Delivery", "MessageID": message.provider_message_id}
    assert postmark(client, report).status_code == 200
    assert postmark(client, report).status_code == 200  # the provider retries
    message.refresh_from_db()
    assert message.status == OutboundStatus.DELIVERED
    assert message.events.filter(status="delivered").count() == 1


def test_reports_without_the_secret_or_the_signature_are_refused(client, agency, anymail):
    message = sent_email(agency)
    report = {"RecordType": "Delivery", "MessageID": message.provider_message_id}
    assert postmark(client, report, auth=None).status_code == 400
    assert postmark(client, report, auth="tremplin:wrong").status_code == 400
    assert mailgun(client, message.provider_message_id, "delivered", key="wrong").status_code == 400
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT


def test_a_signed_mailgun_report_is_applied(client, agency, anymail):
    message = sent_email(agency)
    message.provider_message_id = "<20261201.1@mg.example.org>"  # as Mailgun's backend gives
    message.save(update_fields=["provider_message_id"])
    assert mailgun(client, "20261201.1@mg.example.org", "delivered").status_code == 200
    message.refresh_from_db()
    assert message.status == OutboundStatus.DELIVERED


def test_a_bounce_fails_the_message_with_its_reason_and_tries_the_next_channel(
    client, agency, anymail
):
    message = sent_email(agency, then_sms=True)
    bounce = {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "ID": 42,
        "MessageID": message.provider_message_id,
        "Email": message.to,
        "Description": "The mailbox does not exist.",
    }
    assert postmark(client, bounce).status_code == 200
    message.refresh_from_db()
    assert message.status == OutboundStatus.FAILED
    assert "bounced" in message.error and "mailbox does not exist" in message.error
    assert message.children.get().channel == "sms"


def test_a_complaint_withdraws_consent_for_email_at_once(client, agency, anymail):
    message = sent_email(agency)
    [waiting] = notify(message_type="survey_invitation", client=message.client, send_at=None)
    waiting.send_after = waiting.send_after.replace(year=2030)
    waiting.save(update_fields=["send_after"])
    complaint = {
        "RecordType": "SpamComplaint",
        "Type": "SpamComplaint",
        "MessageID": message.provider_message_id,
        "Email": message.to,
    }
    assert postmark(client, complaint).status_code == 200
    assert not consent_allows(client=message.client, purpose="contact_email")
    assert OptOut.objects.filter(channel="email", address=message.to).exists()
    waiting.refresh_from_db()
    assert waiting.status == OutboundStatus.SKIPPED
    assert OutboundMessage.objects.get(pk=message.pk).events.filter(status="complained").exists()


def test_without_a_webhook_secret_unsigned_reports_change_nothing(client, agency, anymail):
    anymail.ANYMAIL = {}
    message = sent_email(agency)
    complaint = {"RecordType": "SpamComplaint", "MessageID": message.provider_message_id}
    with pytest.warns(Warning):  # anymail warns that the webhook is not protected
        postmark(client, complaint, auth=None)
    assert consent_allows(client=message.client, purpose="contact_email")
