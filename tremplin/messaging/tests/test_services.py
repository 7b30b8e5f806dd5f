import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from tremplin.clients.services import consent_give
from tremplin.clients.tests.factories import ClientFactory
from tremplin.messaging.adapters import FileAdapter, TwilioAdapter, get_adapter
from tremplin.messaging.models import OutboundMessage, OutboundStatus
from tremplin.messaging.services import MessageNotAllowed, message_deliver, message_send

pytestmark = pytest.mark.django_db


def outbox_lines(channel: str) -> list[dict]:
    path = Path(settings.MESSAGING_OUTBOX_DIR) / f"{channel}.jsonl"
    return (
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        if path.exists()
        else []
    )


def test_message_to_a_consenting_client_is_queued_then_sent_by_the_task(
    agency, django_capture_on_commit_callbacks
):
    client = ClientFactory(agency=agency, phone="+14035550101")
    consent_give(client=client, purpose="contact_sms", actor=None)
    before = len(outbox_lines("sms"))
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(
            agency=agency,
            channel="sms",
            client=client,
            text="Your session starts at 6 pm.",
            language="en",
        )
        assert message.status == OutboundStatus.QUEUED
    message.refresh_from_db()
    assert (
        message.status == OutboundStatus.SENT and message.to == "+14035550101" and message.sent_at
    )
    assert message.provider_message_id.startswith("file-")
    assert outbox_lines("sms")[before:] == [
        {
            "id": message.provider_message_id,
            "key": f"{message.pk}:1",
            "channel": "sms",
            "to": "+14035550101",
            "language": "en",
            "text": "Your session starts at 6 pm.",
            "at": outbox_lines("sms")[-1]["at"],
        }
    ]


def test_no_consent_no_message(agency):
    client = ClientFactory(agency=agency)
    with pytest.raises(MessageNotAllowed):
        message_send(agency=agency, channel="sms", client=client, text="Hello", language="en")
    assert not OutboundMessage.objects.exists()


def test_a_reply_to_the_persons_own_message_needs_no_marketing_consent(agency):
    client = ClientFactory(agency=agency)
    message = message_send(
        agency=agency, channel="sms", client=client, text="Hello", language="en", is_reply=True
    )
    assert message.to == client.phone


@pytest.mark.parametrize(
    ("channel", "to", "text"),
    [
        ("sms", "", "Hello"),
        ("web", "+14035550101", "Hello"),
        ("sms", "+14035550101", " "),
        ("sms", "+14035550101", "x" * 1601),
    ],
)
def test_unsendable_messages_are_refused(agency, channel, to, text):
    with pytest.raises(MessageNotAllowed):
        message_send(agency=agency, channel=channel, to=to, text=text, language="en")
    assert not OutboundMessage.objects.exists()


def test_email_goes_through_djangos_mail_backend(agency, django_capture_on_commit_callbacks):
    client = ClientFactory(agency=agency, email="cleo@example.org")
    consent_give(client=client, purpose="contact_email", actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        message_send(
            agency=agency, channel="email", client=client, text="Bonjour Cleo", language="fr"
        )
    assert mail.outbox[-1].to == ["cleo@example.org"] and mail.outbox[-1].body == "Bonjour Cleo"
    assert mail.outbox[-1].subject == "Un message de votre organisme d'emploi"


def test_the_backend_is_chosen_by_settings(settings):
    assert isinstance(get_adapter("sms"), FileAdapter)
    settings.MESSAGING_SMS_BACKEND = "twilio"
    assert isinstance(get_adapter("sms"), TwilioAdapter)
    settings.MESSAGING_WHATSAPP_BACKEND = "twilio"
    assert get_adapter("whatsapp").prefix == "whatsapp:"
    settings.MESSAGING_SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(ValueError):
        get_adapter("sms")


def test_a_provider_failure_is_recorded_and_never_retried_twice(agency, settings):
    settings.MESSAGING_SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = ""  # not configured: the adapter refuses without any network call
    message = message_send(
        agency=agency, channel="sms", to="+14035550101", text="Hello", language="en"
    )
    message = message_deliver(message=message)
    assert message.status == OutboundStatus.FAILED and "not configured" in message.error
    assert message_deliver(message=message).attempts == 1


def test_a_sent_message_is_not_sent_again(agency):
    message = message_send(
        agency=agency, channel="sms", to="+14035550101", text="Once", language="en"
    )
    message_deliver(message=message)
    count = len(outbox_lines("sms"))
    message_deliver(message=message)
    assert len(outbox_lines("sms")) == count
