"""Registrations, waitlist promotions, session changes and the 24 h / 1 h reminders go out
through notify(), with the right content per mode, in English and French."""

from datetime import timedelta

import pytest

from tremplin.clients.tests.factories import ClientFactory
from tremplin.core.choices import DeliveryMode
from tremplin.messaging import hooks, outbox, tasks
from tremplin.messaging.models import OutboundMessage, OutboundStatus
from tremplin.messaging.tests.conftest import NOON_TORONTO
from tremplin.messaging.tests.helpers import consent, lines_for
from tremplin.programs import services as programs
from tremplin.programs.models import Registration
from tremplin.programs.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def person(agency, language="en"):
    client = ClientFactory(agency=agency, preferred_language=language, preferred_channels=["sms"])
    consent(client, "sms")
    return client


def session_at(agency, *, starts_in: timedelta, mode: str, **fields):
    session = SessionFactory(
        element__program__agency=agency,
        delivery_mode=mode,
        starts_at=NOON_TORONTO + starts_in,
        ends_at=NOON_TORONTO + starts_in + timedelta(hours=2),
        join_url="https://meet.example.org/room-1",
        **fields,
    )
    session.location.address = "100 Main St"
    session.location.save()
    return session


def register(session, client, mode):
    return Registration.objects.create(
        agency=session.agency, session=session, client=client, mode=mode, status="confirmed"
    )


def sms_of(client, message_type):
    return OutboundMessage.objects.filter(client=client, message_type=message_type)


@pytest.mark.parametrize(
    ("mode", "attends", "language", "expected"),
    [
        (
            "in_person",
            "in_person",
            "en",
            "Address: Downtown, 100 Main St, Calgary. Directions: https://www.openstreetmap.org/search?query=100+Main+St%2C+Calgary",
        ),
        ("online", "online", "en", "Join online: https://meet.example.org/room-1"),
        (
            "hybrid",
            "online",
            "en",
            "You chose to attend online. Join online: https://meet.example.org/room-1",
        ),
        (
            "hybrid",
            "in_person",
            "fr",
            "Vous avez choisi d'y assister en personne. Adresse : Centre-ville, 100 Main St, Calgary.",
        ),
        ("online", "online", "fr", "Pour vous joindre en ligne : https://meet.example.org/room-1"),
    ],
)
def test_reminders_24h_and_1h_carry_what_the_mode_needs(
    agency, frozen_clock, mode, attends, language, expected
):
    client = person(agency, language)
    session = session_at(agency, starts_in=timedelta(hours=23), mode=mode)
    registration = register(session, client, attends)
    assert hooks.reminders_queue() == 1
    assert hooks.reminders_queue() == 0  # once per registration, however often the tick runs
    [day_before] = sms_of(client, "session_reminder_24h")
    assert expected in day_before.text
    assert day_before.ref == f"registration:{registration.pk}"
    frozen_clock.set(session.starts_at - timedelta(minutes=50))
    assert hooks.reminders_queue() == 1
    [hour_before] = sms_of(client, "session_reminder_1h")
    assert expected in hour_before.text
    assert ("Reminder" if language == "en" else "Rappel") in hour_before.text
    outbox.drain()
    assert {m.status for m in OutboundMessage.objects.filter(client=client)} == {"sent"}


def test_no_24h_reminder_when_only_the_1h_one_is_left(agency, frozen_clock):
    client = person(agency)
    register(session_at(agency, starts_in=timedelta(minutes=30), mode="online"), client, "online")
    hooks.reminders_queue()
    assert list(OutboundMessage.objects.values_list("message_type", flat=True)) == [
        "session_reminder_1h"
    ]


def test_a_reminder_for_a_session_cancelled_meanwhile_is_not_sent(agency, counsellor):
    client = person(agency)
    session = session_at(agency, starts_in=timedelta(hours=20), mode="online")
    register(session, client, "online")
    hooks.reminders_queue()
    [reminder] = sms_of(client, "session_reminder_24h")
    programs.session_cancel(session=session, actor=counsellor)
    outbox.drain()
    reminder.refresh_from_db()
    assert (
        reminder.status == OutboundStatus.SKIPPED and reminder.error == "the session was cancelled"
    )
    assert lines_for(reminder) == []
    assert hooks.reminders_queue() == 0


def test_a_reminder_for_a_registration_cancelled_meanwhile_is_not_sent(agency):
    client = person(agency)
    registration = register(
        session_at(agency, starts_in=timedelta(hours=20), mode="online"), client, "online"
    )
    hooks.reminders_queue()
    Registration.objects.filter(pk=registration.pk).update(status="cancelled")
    outbox.drain()
    assert sms_of(client, "session_reminder_24h").get().status == OutboundStatus.SKIPPED


def test_registration_waitlist_promotion_change_and_cancellation_are_told(
    agency, counsellor, django_capture_on_commit_callbacks
):
    first, second = person(agency), person(agency, "fr")
    session = SessionFactory(
        element__program__agency=agency, delivery_mode=DeliveryMode.IN_PERSON, in_person_capacity=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        seat = programs.registration_create(
            session=session, client=first, mode="in_person", actor=None
        )
        waiting = programs.registration_create(
            session=session, client=second, mode="in_person", actor=None
        )
    assert sms_of(first, "registration_confirmed").get().status == OutboundStatus.SENT
    waitlisted = sms_of(second, "waitlisted").get()
    assert waitlisted.language == "fr" and "numéro 1" in waitlisted.text

    with django_capture_on_commit_callbacks(execute=True):
        programs.registration_cancel(registration=seat, actor=first.user)
    promoted = sms_of(second, "waitlist_promoted").get()
    assert promoted.status == OutboundStatus.SENT and "Bonne nouvelle" in promoted.text
    waiting.refresh_from_db()
    assert waiting.promotion_notified_at is not None
    hooks.promotions_catch_up()
    assert sms_of(second, "waitlist_promoted").count() == 1

    details = programs.SessionDetails(
        **{
            **_details(session),
            "starts_at": session.starts_at + timedelta(days=1),
            "ends_at": session.ends_at + timedelta(days=1),
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        programs.session_update(session=session, actor=counsellor, details=details)
    assert sms_of(second, "session_changed").count() == 1
    assert sms_of(first, "session_changed").count() == 0  # cancelled: not told any more

    with django_capture_on_commit_callbacks(execute=True):
        programs.session_cancel(session=session, actor=counsellor)
        programs.session_cancel(session=session, actor=counsellor)
    assert sms_of(second, "session_cancelled").count() == 1


def _details(session):
    from dataclasses import fields

    names = {f.name for f in fields(programs.SessionDetails)}
    values = {name: getattr(session, name) for name in names - {"facilitators"}}
    return {**values, "facilitators": list(session.facilitators.all())}


def test_promotions_missed_by_a_crash_are_caught_up(agency):
    client = person(agency)
    session = session_at(agency, starts_in=timedelta(days=2), mode="online")
    registration = register(session, client, "online")
    Registration.objects.filter(pk=registration.pk).update(promoted_at=NOON_TORONTO)
    hooks.promotions_catch_up()
    registration.refresh_from_db()
    assert registration.promotion_notified_at is not None
    assert sms_of(client, "waitlist_promoted").count() == 1


def test_a_registration_notice_lost_with_its_task_goes_out_with_the_next_tick_once(agency):
    client = person(agency)
    session = session_at(agency, starts_in=timedelta(days=2), mode="online")
    # No commit hook runs here (the test's transaction never commits): as if the worker task
    # that says "look now" was lost.
    registration = programs.registration_create(
        session=session, client=client, mode="online", actor=None
    )
    assert registration.notice_pending
    assert not sms_of(client, "registration_confirmed").exists()

    tasks.messaging_tick()
    tasks.messaging_tick()
    assert sms_of(client, "registration_confirmed").count() == 1
    registration.refresh_from_db()
    assert not registration.notice_pending


def test_a_registration_cancelled_before_its_notice_is_not_told(agency):
    client = person(agency)
    session = session_at(agency, starts_in=timedelta(days=2), mode="online")
    registration = programs.registration_create(
        session=session, client=client, mode="online", actor=None
    )
    programs.registration_cancel(registration=registration, actor=None)
    assert hooks.registration_notices_send() == 0
    assert not sms_of(client, "registration_confirmed").exists()
