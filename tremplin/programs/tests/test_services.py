from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from i18nfield.strings import LazyI18nString

from tremplin.agencies.tests.factories import LocationFactory
from tremplin.audit.models import AuditEvent
from tremplin.clients.models import ArrivalStatus, ImmigrationCategory, LocationType
from tremplin.clients.tests.factories import ClientFactory
from tremplin.programs import services
from tremplin.programs.models import (
    AttendanceMode,
    AttendanceStatus,
    CheckInMethod,
    DeliveryMode,
    Program,
    Registration,
    RegistrationStatus,
    SessionStatus,
)
from tremplin.programs.services import CheckInRefused, RegistrationRefused, SessionDetails
from tremplin.programs.tests.factories import ProgramFactory, ServiceElementFactory, SessionFactory

IN, ONLINE = AttendanceMode.IN_PERSON, AttendanceMode.ONLINE
pytestmark = pytest.mark.django_db


def register(session, client, mode=IN, **kwargs):
    return services.registration_create(
        session=session, client=client, mode=mode, actor=None, **kwargs
    )


def waitlist(session, mode):
    return list(
        Registration.objects.filter(
            session=session, mode=mode, status=RegistrationStatus.WAITLISTED
        )
        .order_by("waitlist_position")
        .values_list("client_id", "waitlist_position")
    )


def confirmed_ids(session, mode):
    return set(
        Registration.objects.filter(
            session=session, mode=mode, status=RegistrationStatus.CONFIRMED
        ).values_list("client_id", flat=True)
    )


@pytest.fixture
def session(agency):
    return SessionFactory(element__program__agency=agency, in_person_capacity=2, online_capacity=1)


@pytest.fixture
def clients(agency):
    return ClientFactory.create_batch(6, agency=agency)


# ---- registering -------------------------------------------------------------------------------


def test_a_free_seat_confirms_and_is_audited(session, clients, counsellor):
    registration = services.registration_create(
        session=session, client=clients[0], mode=ONLINE, actor=counsellor, channel="assistant"
    )
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.waitlist_position is None
    assert registration.channel == "assistant"
    event = AuditEvent.objects.get(action="registration.create")
    assert event.client_id == clients[0].pk and event.actor == counsellor
    # Written in the seat-deciding statement on PostgreSQL, after it on SQLite: the same event.
    assert (event.agency_id, event.object_type, event.object_id) == (
        session.agency_id,
        "programs.registration",
        str(registration.pk),
    )
    assert event.detail == {
        "session": session.pk,
        "mode": ONLINE,
        "status": "confirmed",
        "channel": "assistant",
        "override": False,
    }
    waiting = [register(session, client, ONLINE) for client in clients[1:4]][-1]
    assert waiting.status == RegistrationStatus.WAITLISTED
    assert AuditEvent.objects.get(object_id=str(waiting.pk)).detail["status"] == "waitlisted"


def test_a_full_mode_waitlists_in_order_while_the_other_mode_still_confirms(session, clients):
    statuses = [register(session, client, IN).status for client in clients[:4]]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert waitlist(session, IN) == [(clients[2].pk, 1), (clients[3].pk, 2)]
    assert register(session, clients[4], ONLINE).status == RegistrationStatus.CONFIRMED


def refusal_of(call):
    registrations, events = Registration.objects.count(), AuditEvent.objects.count()
    with pytest.raises(RegistrationRefused) as caught:
        call()
    assert (Registration.objects.count(), AuditEvent.objects.count()) == (registrations, events), (
        "nothing written"
    )
    assert str(caught.value.message)
    return caught.value.code


def test_full_without_waitlist_is_refused(session, clients):
    session.waitlist_enabled = False
    session.save()
    register(session, clients[0], ONLINE)
    assert refusal_of(lambda: register(session, clients[1], ONLINE)) == "full"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"status": SessionStatus.CANCELLED}, "cancelled"),
        ({"status": SessionStatus.COMPLETED}, "past"),
        ({"starts_at": timezone.now() - timedelta(minutes=5)}, "past"),
        ({"registration_closes_at": timezone.now() - timedelta(minutes=1)}, "closed"),
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, "not_open"),
        ({"delivery_mode": DeliveryMode.ONLINE}, "wrong_mode"),
    ],
)
def test_each_session_refusal_writes_nothing(session, clients, change, code):
    for name, value in change.items():
        setattr(session, name, value)
    session.save()
    assert refusal_of(lambda: register(session, clients[0], IN)) == code


def test_an_unknown_mode_is_refused(session, clients):
    assert refusal_of(lambda: register(session, clients[0], "by_carrier_pigeon")) == "wrong_mode"


def test_registering_twice_is_refused_but_again_after_cancelling_is_fine(session, clients):
    first = register(session, clients[0], IN)
    assert refusal_of(lambda: register(session, clients[0], ONLINE)) == "duplicate"
    services.registration_cancel(registration=first, actor=None)
    assert register(session, clients[0], ONLINE).status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize(
    ("program_rules", "client_profile"),
    [
        (
            {"eligible_immigration_categories": [ImmigrationCategory.PROTECTED_PERSON]},
            {"immigration_category": ImmigrationCategory.TEMPORARY_STUDENT},
        ),
        (
            {"eligible_immigration_categories": [ImmigrationCategory.PERMANENT_RESIDENT]},
            {"immigration_category": ""},
        ),
        ({"pre_arrival_allowed": False}, {"arrival_status": ArrivalStatus.PRE_ARRIVAL}),
        ({"pre_arrival_only": True}, {"arrival_status": ArrivalStatus.ARRIVED}),
        ({"eligible_location_types": [LocationType.RURAL]}, {"location_type": LocationType.URBAN}),
    ],
)
def test_ineligible_clients_are_refused_with_the_reason(agency, program_rules, client_profile):
    session = SessionFactory(element__program=ProgramFactory(agency=agency, **program_rules))
    client = ClientFactory(agency=agency, **client_profile)
    assert refusal_of(lambda: register(session, client, IN)) == "ineligible"


def test_eligible_clients_pass_the_same_rules(agency):
    program = ProgramFactory(
        agency=agency,
        eligible_immigration_categories=[ImmigrationCategory.PROTECTED_PERSON],
        pre_arrival_only=True,
        eligible_location_types=[LocationType.RURAL],
    )
    client = ClientFactory(
        agency=agency,
        immigration_category=ImmigrationCategory.PROTECTED_PERSON,
        arrival_status=ArrivalStatus.PRE_ARRIVAL,
        location_type=LocationType.RURAL,
    )
    assert register(SessionFactory(element__program=program), client, ONLINE).status == "confirmed"


def test_staff_override_skips_eligibility_and_dates_but_not_capacity(agency, counsellor):
    program = ProgramFactory(agency=agency, pre_arrival_allowed=False)
    session = SessionFactory(
        element__program=program,
        registration_closes_at=timezone.now() - timedelta(hours=1),
        online_capacity=1,
        waitlist_enabled=False,
    )
    newcomer = ClientFactory(agency=agency, arrival_status=ArrivalStatus.PRE_ARRIVAL)
    registration = services.registration_create(
        session=session,
        client=newcomer,
        mode=ONLINE,
        actor=counsellor,
        channel="staff",
        override_reason="Arrives next week; the employer asked for them.",
    )
    assert registration.status == "confirmed" and registration.override_reason.startswith("Arrives")
    other = ClientFactory(agency=agency)
    code = refusal_of(
        lambda: services.registration_create(
            session=session,
            client=other,
            mode=ONLINE,
            actor=counsellor,
            channel="staff",
            override_reason="Please",
        )
    )
    assert code == "full"


def test_only_staff_may_override(session, clients):
    with pytest.raises(ValueError):
        register(session, clients[0], IN, channel="web", override_reason="let me in")
    assert not Registration.objects.exists()


def test_client_of_another_agency_is_a_programming_error(session, other_agency):
    with pytest.raises(ValueError):
        register(session, ClientFactory(agency=other_agency), IN)


# ---- cancelling, promotion, switching ----------------------------------------------------------


def test_cancelling_a_seat_promotes_the_first_waiting_at_once(session, clients):
    registrations = [register(session, client, IN) for client in clients[:5]]
    services.registration_cancel(registration=registrations[1], actor=None)
    promoted = Registration.objects.get(pk=registrations[2].pk)
    assert promoted.status == RegistrationStatus.CONFIRMED and promoted.promoted_at is not None
    assert promoted.promotion_notified_at is None  # ready for a notification
    assert waitlist(session, IN) == [(clients[3].pk, 1), (clients[4].pk, 2)]
    assert AuditEvent.objects.filter(
        action="registration.promote", object_id=str(promoted.pk)
    ).exists()


def test_cancelling_a_waitlist_place_closes_the_gap(session, clients):
    registrations = [register(session, client, IN) for client in clients[:6]]
    services.registration_cancel(registration=registrations[3], actor=None)
    assert waitlist(session, IN) == [(clients[2].pk, 1), (clients[4].pk, 2), (clients[5].pk, 3)]
    assert confirmed_ids(session, IN) == {clients[0].pk, clients[1].pk}


def test_cancelling_twice_changes_nothing_more(session, clients):
    registration = register(session, clients[0], IN)
    services.registration_cancel(registration=registration, actor=None)
    again = services.registration_cancel(registration=registration, actor=None)
    assert again.status == RegistrationStatus.CANCELLED
    assert AuditEvent.objects.filter(action="registration.cancel").count() == 1


def test_cancelling_after_the_start_is_refused(session, clients):
    registration = register(session, clients[0], IN)
    session.starts_at = timezone.now() - timedelta(minutes=1)
    session.save()
    with pytest.raises(RegistrationRefused) as caught:
        services.registration_cancel(registration=registration, actor=None)
    assert caught.value.code == "past"


def test_switching_to_a_free_seat_passes_the_old_seat_on(session, clients):
    mover, *others = [register(session, client, IN) for client in clients[:3]]
    switched = services.registration_switch_mode(registration=mover, mode=ONLINE, actor=None)
    assert (switched.mode, switched.status) == (ONLINE, RegistrationStatus.CONFIRMED)
    assert confirmed_ids(session, IN) == {clients[1].pk, clients[2].pk}
    assert waitlist(session, IN) == []


def test_switching_into_a_full_mode_is_refused_and_changes_nothing(session, clients):
    register(session, clients[0], ONLINE)
    mover = register(session, clients[1], IN)
    with pytest.raises(RegistrationRefused) as caught:
        services.registration_switch_mode(registration=mover, mode=ONLINE, actor=None)
    assert caught.value.code == "full"
    assert Registration.objects.get(pk=mover.pk).mode == IN


def test_a_waitlisted_person_can_switch_to_a_free_seat(session, clients):
    for client in clients[:3]:
        register(session, client, IN)
    waiting = register(session, clients[3], IN)
    services.registration_switch_mode(registration=waiting, mode=ONLINE, actor=None)
    assert waitlist(session, IN) == [(clients[2].pk, 1)]
    assert confirmed_ids(session, ONLINE) == {clients[3].pk}


def test_switching_to_a_mode_the_session_lacks_is_refused(agency, clients):
    session = SessionFactory(element__program__agency=agency, delivery_mode=DeliveryMode.IN_PERSON)
    registration = register(session, clients[0], IN)
    with pytest.raises(RegistrationRefused) as caught:
        services.registration_switch_mode(registration=registration, mode=ONLINE, actor=None)
    assert caught.value.code == "wrong_mode"


# ---- sessions ----------------------------------------------------------------------------------


def details(element, location=None, **changes):
    start = timezone.now() + timedelta(days=2)
    values = {
        "element": element,
        "title": LazyI18nString({"en": "Interview practice", "fr": "Pratique d'entrevue"}),
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "delivery_mode": DeliveryMode.HYBRID,
        "in_person_capacity": 12,
        "location": location,
        "online_capacity": 20,
        "topic": "interview",
    }
    values.update(changes)
    return SessionDetails(**values)


def test_a_hybrid_session_gets_its_own_jitsi_room(agency):
    element = ServiceElementFactory(program__agency=agency)
    session = services.session_create(
        agency=agency, actor=None, details=details(element, LocationFactory(agency=agency))
    )
    assert session.join_url.startswith(f"https://meet.jit.si/tremplin-{agency.slug}-")
    pasted = services.session_create(
        agency=agency,
        actor=None,
        details=details(
            element, LocationFactory(agency=agency), join_url="https://us02web.zoom.us/j/123456789"
        ),
    )
    assert pasted.join_url == "https://us02web.zoom.us/j/123456789"


def test_an_online_session_has_no_room_or_seats_in_it(agency):
    element = ServiceElementFactory(program__agency=agency)
    session = services.session_create(
        agency=agency,
        actor=None,
        details=details(element, LocationFactory(agency=agency), delivery_mode=DeliveryMode.ONLINE),
    )
    assert (session.location, session.in_person_capacity) == (None, 0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"location": None}, "location"),
        ({"in_person_capacity": 0}, "in_person_capacity"),
        ({"online_capacity": 0}, "online_capacity"),
        ({"join_url": "http://insecure.example.org/room"}, "join_url"),
        ({"ends_at": timezone.now()}, "ends_at"),
    ],
)
def test_session_validation(agency, changes, field):
    element = ServiceElementFactory(program__agency=agency)
    changes = {"location": LocationFactory(agency=agency), **changes}
    with pytest.raises(ValidationError) as caught:
        services.session_create(agency=agency, actor=None, details=details(element, **changes))
    assert field in caught.value.message_dict


def test_a_weekly_series_keeps_its_local_time_across_daylight_saving(agency):
    zone = ZoneInfo(agency.time_zone)  # America/Edmonton: clocks go back on 1 November 2026
    start = datetime(2026, 10, 20, 10, 0, tzinfo=zone)
    element = ServiceElementFactory(program__agency=agency)
    sessions = services.session_create_series(
        agency=agency,
        actor=None,
        occurrences=6,
        every_days=7,
        details=details(
            element,
            LocationFactory(agency=agency),
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        ),
    )
    assert [s.starts_at.astimezone(zone).strftime("%m-%d %H:%M") for s in sessions] == [
        "10-20 10:00",
        "10-27 10:00",
        "11-03 10:00",
        "11-10 10:00",
        "11-17 10:00",
        "11-24 10:00",
    ]
    assert len({s.series for s in sessions}) == 1 and sessions[0].series is not None
    assert len({s.join_url for s in sessions}) == 6  # a room per occurrence


def test_a_series_has_a_sane_length(agency):
    element = ServiceElementFactory(program__agency=agency)
    with pytest.raises(ValidationError):
        services.session_create_series(
            agency=agency,
            actor=None,
            occurrences=500,
            details=details(element, LocationFactory(agency=agency)),
        )


def test_added_seats_go_to_the_people_waiting(session, clients):
    for client in clients[:5]:
        register(session, client, IN)
    services.session_set_capacity(session=session, mode=IN, capacity=4, actor=None)
    assert confirmed_ids(session, IN) == {c.pk for c in clients[:4]}
    assert waitlist(session, IN) == [(clients[4].pk, 1)]


def test_capacity_cannot_drop_below_confirmed_seats(session, clients):
    for client in clients[:2]:
        register(session, client, IN)
    with pytest.raises(ValidationError):
        services.session_set_capacity(session=session, mode=IN, capacity=1, actor=None)
    edit = details(session.element, session.location, in_person_capacity=1)
    with pytest.raises(ValidationError) as caught:
        services.session_update(session=session, actor=None, details=edit)
    assert "in_person_capacity" in caught.value.message_dict


def test_program_adoption_copies_the_template(agency, network):
    template = Program.objects.create(
        network=network, agency=None, title=LazyI18nString({"en": "Mentoring", "fr": "Mentorat"})
    )
    ServiceElementFactory(program=template, agency=None, service_type="mentoring")
    adopted = services.program_adopt(template=template, agency=agency, actor=None)
    assert adopted.template == template and adopted.agency == agency and not adopted.is_published
    assert [e.service_type for e in adopted.elements.all()] == ["mentoring"]
    assert adopted.elements.get().agency == agency


# ---- attendance --------------------------------------------------------------------------------


def soon(agency, minutes=10, **kwargs):
    start = timezone.now() + timedelta(minutes=minutes)
    return SessionFactory(
        element__program__agency=agency,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        **kwargs,
    )


def test_door_check_in_and_undo(agency, clients, facilitator):
    registration = register(soon(agency), clients[0], ONLINE)
    services.attendance_check_in(registration=registration, actor=facilitator)
    registration.refresh_from_db()
    assert (registration.attendance, registration.attended_mode, registration.check_in_method) == (
        AttendanceStatus.ATTENDED,
        IN,
        CheckInMethod.DOOR,
    )
    services.attendance_undo(registration=registration, actor=facilitator)
    registration.refresh_from_db()
    assert (
        registration.attendance == AttendanceStatus.UNKNOWN and registration.checked_in_at is None
    )


def test_door_check_in_opens_at_the_configured_time_and_absences_wait_for_the_end(
    agency, clients, facilitator, settings
):
    settings.CHECK_IN_OPENS_MINUTES = 60
    later = soon(agency, minutes=90)
    registration = register(later, clients[0], ONLINE)
    with pytest.raises(CheckInRefused) as caught:
        services.attendance_check_in(registration=registration, actor=facilitator)
    assert caught.value.code == "not_open"
    later.starts_at = timezone.now() + timedelta(minutes=45)
    later.ends_at = later.starts_at + timedelta(hours=1)
    later.save()
    registration.refresh_from_db()
    services.attendance_check_in(registration=registration, actor=facilitator)
    # An online registrant at the door is counted in the room, and the switch is recorded.
    registration.refresh_from_db()
    assert (registration.mode, registration.attended_mode) == (ONLINE, IN)
    event = AuditEvent.objects.get(action="attendance.check_in")
    assert event.detail == {"registered_mode": ONLINE, "attended_mode": IN}
    other = register(later, clients[1], IN)
    with pytest.raises(CheckInRefused):
        services.attendance_mark_no_show(registration=other, actor=facilitator)


def test_waitlisted_people_cannot_be_checked_in(agency, clients):
    session = soon(agency, online_capacity=1)
    register(session, clients[0], ONLINE)
    waiting = register(session, clients[1], ONLINE)
    with pytest.raises(CheckInRefused):
        services.attendance_check_in(registration=waiting, actor=None)


def test_self_check_in_needs_the_code_the_seat_and_the_time(agency, clients):
    session = soon(agency)
    register(session, clients[0], IN)
    with pytest.raises(CheckInRefused) as caught:
        services.attendance_self_check_in(
            session=session, client=clients[0], code="000000x", actor=None
        )
    assert caught.value.code == "wrong_code"
    with pytest.raises(CheckInRefused) as caught:
        services.attendance_self_check_in(
            session=session, client=clients[1], code=session.check_in_code, actor=None
        )
    assert caught.value.code == "not_registered"
    checked = services.attendance_self_check_in(
        session=session, client=clients[0], code=session.check_in_code, actor=None
    )
    assert checked.check_in_method == CheckInMethod.CODE
    later = SessionFactory(element__program__agency=agency)
    with pytest.raises(CheckInRefused) as caught:
        services.attendance_self_check_in(
            session=later, client=clients[0], code=later.check_in_code, actor=None
        )
    assert caught.value.code == "not_open"


def test_joining_records_online_attendance_once(agency, clients):
    registration = register(soon(agency), clients[0], ONLINE)
    services.attendance_record_join(registration=registration, actor=None)
    first = Registration.objects.get(pk=registration.pk).checked_in_at
    services.attendance_record_join(registration=registration, actor=None)
    registration.refresh_from_db()
    assert (registration.attended_mode, registration.check_in_method) == (
        ONLINE,
        CheckInMethod.JOIN_LINK,
    )
    assert registration.checked_in_at == first


@pytest.mark.parametrize(
    ("minutes", "mode", "code"),
    [(60, ONLINE, "not_open"), (-120, ONLINE, "closed"), (10, IN, "wrong_mode")],
)
def test_join_refusals(agency, clients, minutes, mode, code):
    start = timezone.now() + timedelta(minutes=minutes)
    session = SessionFactory(
        element__program__agency=agency, starts_at=timezone.now() + timedelta(days=1)
    )
    registration = register(session, clients[0], mode)
    session.starts_at, session.ends_at = start, start + timedelta(hours=1)
    session.save()
    registration.refresh_from_db()
    with pytest.raises(CheckInRefused) as caught:
        services.attendance_record_join(registration=registration, actor=None)
    assert caught.value.code == code


def test_completing_a_session_marks_no_shows(agency, clients):
    session = soon(agency, minutes=1)
    present, absent = register(session, clients[0], IN), register(session, clients[1], ONLINE)
    services.attendance_check_in(registration=present, actor=None)
    with pytest.raises(ValidationError):
        services.session_complete(session=session, actor=None)  # not started yet
    session.starts_at = timezone.now() - timedelta(minutes=5)
    session.save()
    with pytest.raises(ValidationError):
        services.session_complete(session=session, actor=None)  # started, not over: no absences
    session.starts_at = timezone.now() - timedelta(hours=2)
    session.ends_at = timezone.now() - timedelta(hours=1)
    session.save()
    services.session_complete(session=session, actor=None)
    absent.refresh_from_db()
    present.refresh_from_db()
    assert (present.attendance, absent.attendance) == (
        AttendanceStatus.ATTENDED,
        AttendanceStatus.NO_SHOW,
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED


# ---- recordings and calendar feeds -------------------------------------------------------------


def test_a_recording_is_a_link_or_a_file(session):
    title = LazyI18nString({"en": "Recording"})
    with pytest.raises(ValidationError):
        services.recording_create(session=session, actor=None, title=title)
    with pytest.raises(ValidationError):
        services.recording_create(
            session=session, actor=None, title=title, url="http://example.org/v"
        )
    uploaded = services.recording_create(
        session=session,
        actor=None,
        title=title,
        file=SimpleUploadedFile("talk.mp4", b"\x00" * 10, "video/mp4"),
    )
    assert uploaded.file.name.startswith(
        f"recordings/{session.agency_id}/"
    ) and uploaded.file.name.endswith(".mp4")


def test_calendar_feed_reset_changes_the_token(clients):
    first = services.calendar_feed_for_client(client=clients[0]).token
    assert services.calendar_feed_for_client(client=clients[0]).token == first
    assert services.calendar_feed_reset(client=clients[0], actor=None).token != first


def test_n_cancellations_promote_exactly_n_in_order(agency):
    session = SessionFactory(element__program__agency=agency, in_person_capacity=3)
    people = ClientFactory.create_batch(8, agency=agency)
    registrations = [register(session, person, IN) for person in people]
    for registration in registrations[:3]:
        services.registration_cancel(registration=registration, actor=None)
    assert confirmed_ids(session, IN) == {p.pk for p in people[3:6]}
    assert Registration.objects.filter(session=session, promoted_at__isnull=False).count() == 3
    assert waitlist(session, IN) == [(people[6].pk, 1), (people[7].pk, 2)]
