"""A person's reply after the assistant's hand-off goes through `notify("staff_reply")`: back to
the number the client wrote from, in the outbox with its history, quiet hours unless the client
is waiting, never after a STOP; and WhatsApp's 24-hour window decides free text or template."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tremplin.assistant.models import ConversationMessage, Sender
from tremplin.assistant.services import (
    conversation_message_add,
    conversation_staff_reply,
    conversation_start,
)
from tremplin.clients.tests.factories import ClientFactory
from tremplin.messaging import outbox
from tremplin.messaging.models import OutboundMessage, OutboundStatus
from tremplin.messaging.services import MessageNotAllowed, inbound_opt_out, inbound_record
from tremplin.messaging.tests.helpers import consent, lines_for

pytestmark = pytest.mark.django_db
# 23:00 in Toronto, 21:00 in Edmonton: quiet hours across Canada but the Pacific.
NIGHT_TORONTO = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


def _conversation(agency, *, channel="sms", client=None, phone="+14035550123", asked_ago=None):
    conversation = conversation_start(
        agency=agency, channel=channel, language="en", client=client, address=phone
    )
    said = conversation_message_add(conversation=conversation, sender=Sender.CLIENT, text="Help?")
    if asked_ago is not None:
        ConversationMessage.objects.filter(pk=said.pk).update(created_at=timezone.now() - asked_ago)
    return conversation


def test_a_reply_to_an_unknown_number_is_sent_there_with_its_history(agency, counsellor):
    conversation = _conversation(agency)
    conversation_staff_reply(conversation=conversation, staff_user=counsellor, text="Hi, Ana here.")
    outbox.drain()
    message = OutboundMessage.objects.get()
    assert (message.message_type, message.channel, message.to, message.client) == (
        "staff_reply",
        "sms",
        "+14035550123",
        None,
    )
    assert message.status == OutboundStatus.SENT and message.text == "Hi, Ana here."
    assert list(message.events.values_list("status", flat=True)) == ["queued", "sent"]
    assert [line["text"] for line in lines_for(message)] == ["Hi, Ana here."]


def test_the_client_writing_from_another_number_gets_the_reply_there_without_consent(
    agency, counsellor
):
    person = ClientFactory(agency=agency, phone="+14035550999")  # no consent recorded at all
    conversation = _conversation(agency, client=person, phone="+14035550123")
    conversation_staff_reply(conversation=conversation, staff_user=counsellor, text="Yes.")
    message = OutboundMessage.objects.get()
    assert (message.to, message.client) == ("+14035550123", person)
    assert message.fallback_channels == []  # their other channels need consent


def test_a_reply_after_stop_is_refused_and_nothing_is_recorded(agency, counsellor):
    person = ClientFactory(agency=agency, phone="+14035550123")
    consent(person, "sms")
    conversation = _conversation(agency, client=person)
    assert inbound_opt_out(agency=agency, channel="sms", phone="+14035550123", body="STOP")
    with pytest.raises(MessageNotAllowed):
        conversation_staff_reply(conversation=conversation, staff_user=counsellor, text="Hi")
    unknown = _conversation(agency, phone="+14035550777")
    inbound_opt_out(agency=agency, channel="sms", phone="+14035550777", body="arrêt")
    with pytest.raises(MessageNotAllowed):
        conversation_staff_reply(conversation=unknown, staff_user=counsellor, text="Hi")


def test_quiet_hours_wait_for_an_old_question_not_for_a_client_who_is_waiting(
    agency, counsellor, frozen_clock
):
    frozen_clock.set(NIGHT_TORONTO)
    waiting = _conversation(agency, phone="+14035550111", asked_ago=timedelta(minutes=5))
    conversation_staff_reply(conversation=waiting, staff_user=counsellor, text="Right away")
    old = _conversation(agency, phone="+14035550222", asked_ago=timedelta(hours=20))
    conversation_staff_reply(conversation=old, staff_user=counsellor, text="About yesterday")
    now_sent = OutboundMessage.objects.get(to="+14035550111")
    deferred = OutboundMessage.objects.get(to="+14035550222")
    assert now_sent.urgent and now_sent.status == OutboundStatus.QUEUED
    assert not deferred.urgent and deferred.status == OutboundStatus.DEFERRED
    local = deferred.send_after.astimezone(ZoneInfo(agency.time_zone))
    assert (local.hour, local.minute) == (8, 0)


# ---- WhatsApp's 24-hour window ------------------------------------------------------------------


def _whatsapp_client(agency):
    person = ClientFactory(agency=agency, phone="+14035550456", preferred_channels=["whatsapp"])
    consent(person, "whatsapp", "email")
    return person


def _notify_whatsapp(person):
    from tremplin.messaging.services import notify

    [message] = notify(message_type="survey_invitation", client=person, context={"survey": "S"})
    outbox.drain()
    message.refresh_from_db()
    return message


def test_inside_the_window_whatsapp_is_free_text(agency, frozen_clock):
    person = _whatsapp_client(agency)
    inbound_record(agency=agency, channel="whatsapp", address=person.phone)
    frozen_clock.set(frozen_clock.moment + timedelta(hours=23))
    message = _notify_whatsapp(person)
    assert message.status == OutboundStatus.SENT and message.channel == "whatsapp"
    assert "template" not in lines_for(message)[0]


def test_outside_the_window_the_approved_template_of_the_type_is_used(
    agency, frozen_clock, settings
):
    settings.TWILIO_WHATSAPP_TEMPLATES = {"survey_invitation": "HXsurvey"}
    person = _whatsapp_client(agency)
    inbound_record(agency=agency, channel="whatsapp", address=person.phone)
    frozen_clock.set(frozen_clock.moment + timedelta(hours=25))
    message = _notify_whatsapp(person)
    assert message.status == OutboundStatus.SENT
    assert lines_for(message)[0]["template"] == "HXsurvey"
    assert "approved template HXsurvey" in message.events.get(status="sent").detail


def test_outside_the_window_without_a_template_the_next_channel_is_used(agency, settings):
    settings.TWILIO_WHATSAPP_TEMPLATES = {"course_nudge": "HXnudge"}  # not this type
    settings.TWILIO_WHATSAPP_CONTENT_SID = ""
    person = _whatsapp_client(agency)  # never wrote to us on WhatsApp
    message = _notify_whatsapp(person)
    assert message.status == OutboundStatus.FAILED and lines_for(message) == []
    assert "24-hour window and no approved template" in message.error
    follow = message.children.get()
    outbox.drain()
    follow.refresh_from_db()
    assert (follow.channel, follow.status) == ("email", OutboundStatus.SENT)


def test_the_webhook_opens_the_window(client, agency, settings):
    from tremplin.assistant.tests.chat import post_sms
    from tremplin.messaging.models import InboundContact

    settings.TWILIO_AUTH_TOKEN = "test-twilio-token"
    post_sms(client, agency, {"From": "whatsapp:+14035550456", "Body": "STOP", "MessageSid": "S1"})
    post_sms(client, agency, {"From": "+14035550457", "Body": "STOP", "MessageSid": "S2"})
    assert list(InboundContact.objects.values_list("channel", "address")) == [
        ("whatsapp", "+14035550456")
    ]


def test_a_staff_reply_on_whatsapp_after_a_day_needs_its_template(agency, counsellor, settings):
    settings.TWILIO_WHATSAPP_TEMPLATES = {}
    settings.TWILIO_WHATSAPP_CONTENT_SID = ""
    conversation = _conversation(agency, channel="whatsapp", phone="+14035550456")
    inbound_record(agency=agency, channel="whatsapp", address="+14035550456")
    conversation_staff_reply(conversation=conversation, staff_user=counsellor, text="Inside")
    outbox.drain()
    assert OutboundMessage.objects.get().status == OutboundStatus.SENT
