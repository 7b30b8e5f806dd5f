"""notify(): channel choice, consent, quiet hours in the client's time zone, languages, fallback."""

from datetime import UTC, datetime

import pytest
from django.core import mail

from tremplin.clients.tests.factories import ClientFactory
from tremplin.messaging import outbox
from tremplin.messaging.models import MessageEvent, MessagingPreference, OutboundStatus
from tremplin.messaging.services import (
    Recipient,
    inbound_opt_out,
    notify,
    notify_many,
    preference_set,
    template_save,
)
from tremplin.messaging.tests.helpers import consent, lines_for

pytestmark = pytest.mark.django_db


def test_the_first_preferred_channel_with_consent_is_used_and_sent(agency):
    client = ClientFactory(agency=agency, preferred_channels=["whatsapp", "sms"])
    consent(client, "sms", "email")  # no WhatsApp consent
    [message] = notify(
        message_type="recording_available",
        client=client,
        context={"title": "CV workshop", "link": "https://example.org/r/1"},
    )
    assert (message.channel, message.to, message.fallback_channels) == (
        "sms",
        client.phone,
        ["email"],
    )
    assert message.text == (
        "Hello Sam, the recording “CV workshop” is available: https://example.org/r/1"
    )
    outbox.drain()
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT
    assert [line["text"] for line in lines_for(message)] == [message.text]
    assert list(message.events.values_list("status", flat=True)) == ["queued", "sent"]


def test_no_consent_on_any_channel_records_a_skipped_message_and_sends_nothing(agency):
    client = ClientFactory(agency=agency)
    [message] = notify(message_type="course_nudge", client=client, context={"course": "Excel"})
    assert message.status == OutboundStatus.SKIPPED
    assert "sms: no consent" in message.error and "email: no consent" in message.error
    assert outbox.drain() == 0 and lines_for(message) == []


def test_consent_withdrawn_after_queueing_stops_the_message(agency):
    client = ClientFactory(agency=agency, preferred_channels=["sms"])
    consent(client, "sms")
    [message] = notify(message_type="survey_invitation", client=client, context={})
    consent(client, "sms", given=False)
    outbox.drain()
    message.refresh_from_db()
    assert message.status == OutboundStatus.SKIPPED and lines_for(message) == []


def test_a_kind_turned_off_on_a_channel_moves_to_the_next_channel(agency):
    client = ClientFactory(agency=agency, preferred_channels=["sms", "email"])
    consent(client, "sms", "email")
    preference_set(client=client, kind="surveys", channel="sms", enabled=False)
    [message] = notify(message_type="survey_reminder", client=client, context={"survey": "Exit"})
    assert message.channel == "email"
    [reminder] = notify(message_type="session_reminder_24h", client=client, context={})
    assert reminder.channel == "sms"  # only surveys were turned off


@pytest.mark.parametrize(
    ("zone", "utc_moment", "quiet_until_utc"),
    [
        # 22:30 in Toronto → 08:00 the next morning there (13:00 UTC, winter time).
        (
            "America/Toronto",
            datetime(2026, 12, 2, 3, 30, tzinfo=UTC),
            datetime(2026, 12, 2, 13, 0, tzinfo=UTC),
        ),
        # 06:59 in Vancouver → 08:00 the same day (16:00 UTC).
        (
            "America/Vancouver",
            datetime(2026, 12, 2, 14, 59, tzinfo=UTC),
            datetime(2026, 12, 2, 16, 0, tzinfo=UTC),
        ),
        # 21:00 sharp in St. John's (UTC-3:30) → 08:00 next day (11:30 UTC).
        (
            "America/St_Johns",
            datetime(2026, 12, 3, 0, 30, tzinfo=UTC),
            datetime(2026, 12, 3, 11, 30, tzinfo=UTC),
        ),
        # Summer time: 23:00 in Halifax (UTC-3) → 08:00 next day (11:00 UTC).
        (
            "America/Halifax",
            datetime(2026, 7, 2, 2, 0, tzinfo=UTC),
            datetime(2026, 7, 2, 11, 0, tzinfo=UTC),
        ),
    ],
)
def test_no_sms_in_quiet_hours_of_the_clients_time_zone(
    agency, frozen_clock, zone, utc_moment, quiet_until_utc
):
    client = ClientFactory(agency=agency, preferred_channels=["sms"])
    consent(client, "sms")
    MessagingPreference.objects.create(agency=agency, client=client, time_zone=zone)
    frozen_clock.set(utc_moment)
    [message] = notify(message_type="course_nudge", client=client, context={})
    assert message.status == OutboundStatus.DEFERRED
    assert message.send_after == quiet_until_utc
    assert outbox.drain() == 0 and lines_for(message) == []  # deferred, not dropped
    frozen_clock.set(quiet_until_utc)
    assert outbox.drain() == 1
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT and len(lines_for(message)) == 1


def test_daytime_in_one_zone_is_night_in_another(agency, frozen_clock):
    """20:30 in Vancouver is 23:30 in Toronto: the agency (Edmonton) zone is not used when the
    client chose theirs."""
    frozen_clock.set(datetime(2026, 12, 2, 4, 30, tzinfo=UTC))
    west = ClientFactory(agency=agency, preferred_channels=["sms"])
    east = ClientFactory(agency=agency, preferred_channels=["sms"])
    consent(west, "sms")
    consent(east, "sms")
    MessagingPreference.objects.create(agency=agency, client=west, time_zone="America/Vancouver")
    MessagingPreference.objects.create(agency=agency, client=east, time_zone="America/Toronto")
    assert notify(message_type="course_nudge", client=west)[0].status == OutboundStatus.QUEUED
    assert notify(message_type="course_nudge", client=east)[0].status == OutboundStatus.DEFERRED


def test_urgent_messages_and_email_ignore_quiet_hours(agency, frozen_clock):
    frozen_clock.set(datetime(2026, 12, 2, 7, 0, tzinfo=UTC))  # midnight in Edmonton
    client = ClientFactory(agency=agency, preferred_channels=["sms"])
    consent(client, "sms")
    [urgent] = notify(message_type="session_cancelled", client=client, urgent=True)
    assert urgent.status == OutboundStatus.QUEUED
    other = ClientFactory(agency=agency, preferred_channels=["email"])
    consent(other, "email")
    [email] = notify(message_type="course_nudge", client=other)
    assert email.status == OutboundStatus.QUEUED
    outbox.drain()
    urgent.refresh_from_db()
    assert urgent.status == OutboundStatus.SENT
    assert mail.outbox[-1].to == [other.email]


def test_a_wrong_number_fails_with_a_reason_and_email_is_tried_next(agency):
    client = ClientFactory(agency=agency, phone="555-12", preferred_channels=["sms", "email"])
    consent(client, "sms", "email")
    [message] = notify(message_type="followup_invitation", client=client, context={"link": "x"})
    outbox.drain()
    message.refresh_from_db()
    assert message.status == OutboundStatus.FAILED
    assert "not a valid phone number" in message.error
    follow = message.children.get()
    assert (follow.channel, follow.status) == ("email", OutboundStatus.SENT)
    assert (
        mail.outbox[-1].body == message.text and mail.outbox[-1].subject == "How are things going?"
    )


def test_a_missing_number_is_recorded_with_its_reason_never_a_crash(agency):
    nobody = ClientFactory(agency=agency, phone="", email="", preferred_channels=["sms"])
    consent(nobody, "sms")
    [skipped] = notify(message_type="course_nudge", client=nobody, context={"course": "X"})
    assert skipped.status == OutboundStatus.SKIPPED and "sms: no address" in skipped.error
    person = ClientFactory(agency=agency, preferred_channels=["sms"])
    consent(person, "sms")
    [message] = notify(message_type="course_nudge", client=person, context={"course": "X"})
    message.to = ""  # the number was erased from the row after it was queued
    message.save(update_fields=["to"])
    outbox.drain()
    message.refresh_from_db()
    assert (message.status, message.error) == (OutboundStatus.FAILED, "no address")


def test_texts_in_the_clients_language_and_staff_languages(agency, agency_admin):
    french = ClientFactory(agency=agency, preferred_language="fr", preferred_channels=["sms"])
    spanish = ClientFactory(agency=agency, preferred_language="es", preferred_channels=["sms"])
    consent(french, "sms")
    consent(spanish, "sms")
    context = {"course": "Excel", "link": "https://example.org/c/1"}
    [fr] = notify(message_type="course_nudge", client=french, context=context)
    assert fr.language == "fr" and fr.text.startswith(
        "Bonjour Sam, vous n'avez pas ouvert « Excel »"
    )
    [fallback] = notify(message_type="course_nudge", client=spanish, context=context)
    assert fallback.language == "en"  # no Spanish text yet: the agency's language (English)
    template_save(
        agency=agency,
        message_type="course_nudge",
        language="es",
        subject="",
        body="Hola {first_name}, continúa «{course}»: {link} {unknown}",
        actor=agency_admin,
    )
    [es] = notify(message_type="course_nudge", client=spanish, context=context)
    assert (es.language, es.text) == ("es", "Hola Sam, continúa «Excel»: https://example.org/c/1")


def test_the_same_dedupe_key_queues_once(agency):
    client = ClientFactory(agency=agency, preferred_channels=["sms"])
    consent(client, "sms")
    assert len(notify(message_type="survey_reminder", client=client, dedupe_key="s:1")) == 1
    assert notify(message_type="survey_reminder", client=client, dedupe_key="s:1") == []


def test_notify_many_queues_a_cohort_in_one_go(agency, django_assert_max_num_queries):
    clients = ClientFactory.create_batch(20, agency=agency, preferred_channels=["sms"])
    for client in clients:
        consent(client, "sms")
    with django_assert_max_num_queries(12):
        messages = notify_many(
            message_type="hiring_event_invitation",
            recipients=[Recipient(client, {"event": "Job fair"}) for client in clients],
        )
    assert len(messages) == 20 and {m.status for m in messages} == {OutboundStatus.QUEUED}
    assert MessageEvent.objects.filter(message__in=messages).count() == 20


def test_stop_withdraws_consent_at_once_skips_pending_messages_and_confirms_once(agency):
    client = ClientFactory(agency=agency, preferred_channels=["sms"], preferred_language="fr")
    consent(client, "sms", "email")
    [pending] = notify(message_type="course_nudge", client=client)
    assert inbound_opt_out(agency=agency, channel="sms", phone=client.phone, body="Hello") is None
    reply = inbound_opt_out(agency=agency, channel="sms", phone=client.phone, body=" arrêt ")
    assert reply.startswith("Vous ne recevrez plus de textos")
    assert inbound_opt_out(agency=agency, channel="sms", phone=client.phone, body="STOP") == ""
    pending.refresh_from_db()
    assert pending.status == OutboundStatus.SKIPPED
    [after] = notify(message_type="course_nudge", client=client)
    assert after.channel == "email"  # SMS consent is gone, email consent stays


def test_a_temporary_failure_is_retried_with_back_off_then_fails_and_falls_back(
    agency, settings, frozen_clock
):
    """Email to an SMTP server that refuses connections (a real network error, no mock)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    client = ClientFactory(agency=agency, preferred_channels=["email", "sms"])
    consent(client, "email", "sms")
    [message] = notify(message_type="course_nudge", client=client, context={})
    waits = []
    for _attempt in range(outbox.MAX_ATTEMPTS):
        assert outbox.drain() >= 1
        message.refresh_from_db()
        if message.status != OutboundStatus.RETRY:
            break
        waits.append(message.send_after - frozen_clock.now())
        assert outbox.drain() == 0  # not before its time
        frozen_clock.set(message.send_after)
    assert waits == list(outbox.RETRY_DELAYS)
    assert message.status == OutboundStatus.FAILED and message.attempts == outbox.MAX_ATTEMPTS
    follow = message.children.get()  # queued, and sent by the same drain
    assert follow.channel == "sms"
    assert follow.status == OutboundStatus.SENT and len(lines_for(follow)) == 1
