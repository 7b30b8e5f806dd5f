from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from i18nfield.strings import LazyI18nString
from icalendar import Calendar

from tremplin.agencies.tests.factories import LocationFactory
from tremplin.audit.models import AuditEvent
from tremplin.clients.models import ArrivalStatus, Client
from tremplin.clients.tests.factories import ClientFactory
from tremplin.programs import services
from tremplin.programs.models import (
    AttendanceStatus,
    DeliveryMode,
    Program,
    Recording,
    RecordingView,
    Registration,
    RegistrationStatus,
    ServiceElement,
    Session,
)
from tremplin.programs.tests.factories import ProgramFactory, RecordingFactory, SessionFactory

pytestmark = pytest.mark.django_db


def url(name, agency, **kwargs):
    return reverse(f"programs:{name}", kwargs={"agency_slug": agency.slug, **kwargs})


@pytest.fixture
def me(client_user):
    return Client.objects.get(user=client_user)


@pytest.fixture
def signed_in(client, client_user):
    client.force_login(client_user)
    return client


@pytest.fixture
def session(agency):
    return SessionFactory(element__program__agency=agency, in_person_capacity=1, online_capacity=5)


def nothing_written(call):
    from tremplin.audit.reads import READ_ACTIONS

    def changes():
        return AuditEvent.objects.exclude(action__in=READ_ACTIONS).count()

    before = Registration.objects.count(), changes()
    response = call()
    assert (Registration.objects.count(), changes()) == before
    return response


# ---- public catalogue --------------------------------------------------------------------------


def test_catalogue_query_count_does_not_grow_with_sessions(
    client, agency, django_assert_max_num_queries
):
    SessionFactory(element__program__agency=agency)
    with django_assert_max_num_queries(12) as few:
        client.get(url("catalogue", agency))
    for day in range(2, 15):
        SessionFactory(
            element__program__agency=agency, starts_at=timezone.now() + timedelta(days=day)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("catalogue", agency))
    assert response.text.count('class="card"') >= 14


def test_catalogue_for_a_signed_in_client_has_constant_queries(
    signed_in, agency, me, django_assert_max_num_queries
):
    for day in range(1, 10):
        session = SessionFactory(
            element__program__agency=agency, starts_at=timezone.now() + timedelta(days=day)
        )
        services.registration_create(session=session, client=me, mode="online", actor=None)
    with django_assert_max_num_queries(16):
        response = signed_in.get(url("catalogue", agency))
    assert response.text.count("Confirmed · Online") == 9


def test_catalogue_filters_and_bad_filter_values(client, agency):
    SessionFactory(element__program__agency=agency, delivery_mode=DeliveryMode.ONLINE)
    assert (
        client.get(url("catalogue", agency), {"mode": "online", "topic": "résumé"}).status_code
        == 200
    )
    response = client.get(
        url("catalogue", agency),
        {"mode": "teleport", "start": "not-a-date", "page": "999", "topic": "x" * 5000},
    )
    assert response.status_code == 200


def test_session_page_says_where_and_how(client, agency, session):
    response = client.get(url("session_detail", agency, session_id=session.pk))
    assert response.status_code == 200
    assert "Downtown" in response.text and "Join from a computer or a phone" in response.text
    assert "Sign in to register" in response.text


def test_program_page_lists_sessions(client, agency, session):
    response = client.get(url("program_detail", agency, program_id=session.element.program_id))
    assert response.status_code == 200 and "Resume writing workshop" in response.text


def test_unpublished_and_other_agencies_objects_are_404(client, agency, other_agency):
    hidden = SessionFactory(element__program=ProgramFactory(agency=agency, is_published=False))
    elsewhere = SessionFactory(element__program__agency=other_agency)
    for session in (hidden, elsewhere):
        assert client.get(url("session_detail", agency, session_id=session.pk)).status_code == 404
    assert (
        client.get(f"/en/a/{agency.slug}/programs/sessions/99999999999999999999/").status_code
        == 404
    )


# ---- registering -------------------------------------------------------------------------------


def test_a_client_registers_online_then_gets_waitlisted_in_person_elsewhere(
    signed_in, agency, session, me
):
    response = signed_in.post(
        url("register", agency, session_id=session.pk), {"mode": "online"}, follow=True
    )
    assert "You have a seat (Online)." in response.text
    full = SessionFactory(element__program__agency=agency, in_person_capacity=1)
    services.registration_create(
        session=full, client=ClientFactory(agency=agency), mode="in_person", actor=None
    )
    response = signed_in.post(
        url("register", agency, session_id=full.pk), {"mode": "in_person"}, follow=True
    )
    assert "you are number 1 on the waitlist" in response.text
    page = signed_in.get(url("my_registrations", agency))
    assert "Confirmed · Online" in page.text and "Waitlist · In person · number 1" in page.text
    assert Registration.objects.get(session=full, client=me).channel == "web"


@pytest.mark.parametrize(
    ("setup", "post", "message"),
    [
        (
            lambda s, me: services.registration_create(
                session=s, client=me, mode="online", actor=None
            ),
            {"mode": "online"},
            "Already registered for this session",
        ),
        (
            lambda s, me: Session.objects.filter(pk=s.pk).update(
                registration_closes_at=timezone.now()
            ),
            {"mode": "online"},
            "Registration for this session is closed.",
        ),
        (
            lambda s, me: Session.objects.filter(pk=s.pk).update(
                starts_at=timezone.now() - timedelta(minutes=1)
            ),
            {"mode": "online"},
            "already started or is over",
        ),
        (
            lambda s, me: (
                Program.objects.update(pre_arrival_allowed=False)
                and Client.objects.filter(pk=me.pk).update(arrival_status=ArrivalStatus.PRE_ARRIVAL)
            ),
            {"mode": "online"},
            "already in Canada",
        ),
        (
            lambda s, me: Session.objects.filter(pk=s.pk).update(
                delivery_mode=DeliveryMode.IN_PERSON
            ),
            {"mode": "online"},
            "not offered online",
        ),
        (lambda s, me: None, {"mode": "sofa"}, "Choose in person or online."),
        (
            lambda s, me: Session.objects.filter(pk=s.pk).update(
                waitlist_enabled=False, online_capacity=0
            ),
            {"mode": "online"},
            "full and has no waitlist",
        ),
    ],
)
def test_refusals_show_a_clear_message_and_write_nothing(
    signed_in, agency, session, me, setup, post, message
):
    setup(session, me)
    response = nothing_written(
        lambda: signed_in.post(url("register", agency, session_id=session.pk), post, follow=True)
    )
    assert message in response.text


def test_refusal_messages_are_translated(signed_in, agency, session):
    Session.objects.filter(pk=session.pk).update(registration_closes_at=timezone.now())
    with translation.override("fr"):  # also undoes the language the French request activates
        response = signed_in.post(
            url("register", agency, session_id=session.pk), {"mode": "online"}, follow=True
        )
    assert "Les inscriptions à cette séance sont fermées." in response.text


def test_bad_registration_ids_are_404_and_write_nothing(signed_in, agency, session):
    other = services.registration_create(
        session=session, client=ClientFactory(agency=agency), mode="online", actor=None
    )
    for name in ("cancel", "switch", "join"):
        response = nothing_written(
            lambda name=name: signed_in.post(url(name, agency, registration_id=other.pk))
        )
        assert response.status_code == 404
    assert (
        signed_in.post(url("register", agency, session_id=123456), {"mode": "online"}).status_code
        == 404
    )


def test_cancel_promotes_and_switch_needs_a_free_seat(signed_in, agency, session, me):
    mine = services.registration_create(session=session, client=me, mode="in_person", actor=None)
    waiting = services.registration_create(
        session=session, client=ClientFactory(agency=agency), mode="in_person", actor=None
    )
    signed_in.post(url("switch", agency, registration_id=mine.pk), {"mode": "online"})
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.mode, waiting.status) == ("online", RegistrationStatus.CONFIRMED)
    response = signed_in.post(
        url("switch", agency, registration_id=mine.pk), {"mode": "in_person"}, follow=True
    )
    assert "There is no free seat in that mode." in response.text
    signed_in.post(url("cancel", agency, registration_id=mine.pk))
    mine.refresh_from_db()
    assert mine.status == RegistrationStatus.CANCELLED


def test_join_records_attendance_and_redirects_to_the_meeting(signed_in, agency, me):
    start = timezone.now() + timedelta(minutes=5)
    session = SessionFactory(
        element__program__agency=agency, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    registration = services.registration_create(
        session=session, client=me, mode="online", actor=None
    )
    # A GET (calendar link, cross-site request) changes nothing: it shows the Join button.
    response = signed_in.get(url("join", agency, registration_id=registration.pk))
    assert response.status_code == 200 and 'method="post"' in response.text
    registration.refresh_from_db()
    assert registration.attendance != AttendanceStatus.ATTENDED
    response = signed_in.post(url("join", agency, registration_id=registration.pk))
    assert response.status_code == 302 and response["Location"] == session.join_url
    registration.refresh_from_db()
    assert registration.attendance == AttendanceStatus.ATTENDED


def test_join_too_early_explains_when(signed_in, agency, session, me):
    registration = services.registration_create(
        session=session, client=me, mode="online", actor=None
    )
    response = signed_in.post(url("join", agency, registration_id=registration.pk))
    assert response.status_code == 200 and "This opens at" in response.text


def test_self_check_in_with_the_code(signed_in, agency, me):
    start = timezone.now() + timedelta(minutes=10)
    session = SessionFactory(
        element__program__agency=agency, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    services.registration_create(session=session, client=me, mode="in_person", actor=None)
    target = url("self_check_in", agency, session_id=session.pk)
    response = signed_in.post(
        target, {"code": "000000" if session.check_in_code != "000000" else "111111"}
    )
    assert "That code is not this session" in response.text
    response = signed_in.post(target, {"code": session.check_in_code}, follow=True)
    assert "You are checked in." in response.text


def test_self_check_in_code_cannot_be_guessed_by_trying(signed_in, agency, me):
    from django.core.cache import cache

    cache.clear()
    start = timezone.now() + timedelta(minutes=10)
    session = SessionFactory(
        element__program__agency=agency, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    registration = services.registration_create(
        session=session, client=me, mode="in_person", actor=None
    )
    target = url("self_check_in", agency, session_id=session.pk)
    wrong = "000000" if session.check_in_code != "000000" else "111111"
    for _ in range(5):
        assert "That code is not this session" in signed_in.post(target, {"code": wrong}).text
    # The right code is refused too once the tries are spent: nothing is written.
    response = signed_in.post(target, {"code": session.check_in_code})
    assert "Too many attempts. Please ask a staff member at the door." in response.text
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    cache.clear()


def test_client_calendar_feed_and_session_ics(signed_in, client, agency, session, me):
    registration = services.registration_create(
        session=session, client=me, mode="online", actor=None
    )
    page = signed_in.get(url("my_registrations", agency))
    feed = services.calendar_feed_for_client(client=me)
    assert feed.token in page.text
    client.logout()
    calendar = Calendar.from_ical(client.get(url("client_feed", agency, token=feed.token)).content)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Resume writing workshop"]
    assert f"/my/{registration.pk}/join/" in str(events[0]["description"])
    assert client.get(url("client_feed", agency, token="x" * 32)).status_code == 404
    ics = client.get(url("session_ics", agency, session_id=session.pk))
    assert ics["Content-Type"].startswith("text/calendar")
    assert Calendar.from_ical(client.get(url("agency_feed", agency)).content).walk("VEVENT")


def test_client_home_lists_upcoming_registrations(signed_in, agency, session, me):
    services.registration_create(session=session, client=me, mode="online", actor=None)
    response = signed_in.get(reverse("agencies:client_home", kwargs={"agency_slug": agency.slug}))
    assert "My sessions" in response.text and "Resume writing workshop" in response.text


# ---- recordings --------------------------------------------------------------------------------


def test_recordings_only_for_registered_clients_and_views_counted(
    signed_in, agency, session, me, facilitator, client
):
    recording = RecordingFactory(session=session)
    assert (
        signed_in.get(url("recording_detail", agency, recording_id=recording.pk)).status_code == 404
    )
    services.registration_create(session=session, client=me, mode="online", actor=None)
    response = signed_in.get(url("recording_detail", agency, recording_id=recording.pk))
    assert response.status_code == 302 and response["Location"] == recording.url
    assert RecordingView.objects.filter(recording=recording, client=me).count() == 1


def test_staff_upload_a_recording_file(client, agency, session, facilitator, me, client_user):
    client.force_login(facilitator)
    response = client.post(
        url("recording_create", agency, session_id=session.pk),
        {
            "title_0": "Workshop recording",
            "title_1": "",
            # An MP4's first box ("ftyp"): uploads are checked on their bytes, not their name.
            "file": SimpleUploadedFile(
                "workshop.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00\x01" * 100, "video/mp4"
            ),
        },
    )
    assert response.status_code == 302
    recording = Recording.objects.get(session=session)
    services.registration_create(session=session, client=me, mode="online", actor=None)
    client.force_login(client_user)
    assert client.get(url("recording_detail", agency, recording_id=recording.pk)).status_code == 200
    file_response = client.get(url("recording_file", agency, recording_id=recording.pk))
    assert b"".join(file_response.streaming_content).endswith(b"\x00\x01" * 100)
    client.force_login(facilitator)
    assert "1 view" in client.get(url("staff_session", agency, session_id=session.pk)).text


# ---- staff -------------------------------------------------------------------------------------


def test_staff_pages_need_the_right_role(client, agency, session, client_user, facilitator):
    client.force_login(client_user)
    assert client.get(url("staff_home", agency)).status_code == 404
    client.force_login(facilitator)
    assert client.get(url("staff_home", agency)).status_code == 200
    assert client.get(url("session_create", agency)).status_code == 404  # catalogue is for admins


def test_admin_creates_a_program_an_element_and_a_weekly_series(client, agency, agency_admin):
    client.force_login(agency_admin)
    response = client.post(
        url("program_create", agency),
        {
            "title_0": "Digital skills",
            "title_1": "Compétences numériques",
            "description_0": "",
            "description_1": "",
            "is_published": "on",
            "pre_arrival_allowed": "on",
        },
    )
    program = Program.objects.get(agency=agency)
    assert response.status_code == 302
    client.post(
        url("element_create", agency, program_id=program.pk),
        {
            "service_type": "workshop",
            "title_0": "Email basics",
            "title_1": "Les courriels",
            "position": "1",
            "description_0": "",
            "description_1": "",
        },
    )
    element = ServiceElement.objects.get(program=program)
    location = LocationFactory(agency=agency)
    response = client.post(
        url("session_create", agency),
        {
            "element": element.pk,
            "title_0": "Email basics",
            "title_1": "Les courriels",
            "topic": "email courriel",
            "starts_at": "2031-03-04T10:00",
            "ends_at": "2031-03-04T12:00",
            "delivery_mode": "hybrid",
            "location": location.pk,
            "in_person_capacity": "8",
            "online_capacity": "20",
            "join_url": "",
            "language": "en",
            "waitlist_enabled": "on",
            "occurrences": "6",
            "every_days": "7",
        },
    )
    assert response.status_code == 302, response.text
    sessions = Session.objects.filter(agency=agency).order_by("starts_at")
    assert sessions.count() == 6 and len({s.series for s in sessions}) == 1
    first = timezone.localtime(sessions[0].starts_at, timezone=ZoneInfo(agency.time_zone))
    assert (first.hour, first.minute) == (10, 0)


def test_session_form_errors_are_shown(client, agency, agency_admin):
    client.force_login(agency_admin)
    element = ServiceElement.objects.create(
        agency=agency,
        program=ProgramFactory(agency=agency),
        service_type="workshop",
        title=LazyI18nString({"en": "X"}),
    )
    response = client.post(
        url("session_create", agency),
        {
            "element": element.pk,
            "title_0": "X",
            "starts_at": "2031-03-04T10:00",
            "ends_at": "2031-03-04T09:00",
            "delivery_mode": "in_person",
            "in_person_capacity": "0",
            "online_capacity": "0",
            "language": "en",
            "occurrences": "1",
            "every_days": "7",
        },
    )
    assert response.status_code == 200
    assert "A session must end after it starts." in response.text
    assert not Session.objects.exists()


def test_lowering_capacity_below_confirmed_is_refused_in_the_form(
    client, agency, agency_admin, session
):
    services.registration_create(
        session=session, client=ClientFactory(agency=agency), mode="in_person", actor=None
    )
    client.force_login(agency_admin)
    data = {
        "element": session.element_id,
        "title_0": "Resume",
        "starts_at": "2031-03-04T10:00",
        "ends_at": "2031-03-04T12:00",
        "delivery_mode": "hybrid",
        "location": session.location_id,
        "in_person_capacity": "0",
        "online_capacity": "5",
        "language": "en",
        "join_url": session.join_url,
    }
    response = client.post(url("session_edit", agency, session_id=session.pk), data)
    assert "Give at least one seat in the room." in response.text
    data["in_person_capacity"] = "3"
    assert client.post(url("session_edit", agency, session_id=session.pk), data).status_code == 302


def test_staff_register_with_override_and_reason(client, agency, other_agency, counsellor):
    program = ProgramFactory(agency=agency, pre_arrival_allowed=False)
    session = SessionFactory(element__program=program)
    newcomer = ClientFactory(
        agency=agency, arrival_status=ArrivalStatus.PRE_ARRIVAL, last_name="Mendoza"
    )
    client.force_login(counsellor)
    page = client.get(url("staff_session", agency, session_id=session.pk), {"q": "mendoza"})
    assert f'value="{newcomer.pk}"' in page.text
    target = url("staff_register", agency, session_id=session.pk)
    response = nothing_written(
        lambda: client.post(target, {"client_id": newcomer.pk, "mode": "online"}, follow=True)
    )
    assert "already in Canada" in response.text
    client.post(
        target, {"client_id": newcomer.pk, "mode": "online", "override_reason": "Lands on Monday"}
    )
    registration = Registration.objects.get(client=newcomer)
    assert (registration.channel, registration.override_reason, registration.created_by) == (
        "staff",
        "Lands on Monday",
        counsellor,
    )
    outsider = ClientFactory(agency=other_agency)
    assert client.post(target, {"client_id": outsider.pk, "mode": "online"}).status_code == 404


def test_door_check_in_one_tap_and_csv(client, agency, facilitator, django_assert_max_num_queries):
    start = timezone.now() + timedelta(minutes=10)
    session = SessionFactory(
        element__program__agency=agency,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        in_person_capacity=30,
    )
    people = ClientFactory.create_batch(12, agency=agency)
    registrations = [
        services.registration_create(session=session, client=p, mode="in_person", actor=None)
        for p in people
    ]
    client.force_login(facilitator)
    with django_assert_max_num_queries(14):
        page = client.get(url("door", agency, session_id=session.pk))
    assert "0 of 12 people checked in" in page.text
    response = client.post(
        url("check_in", agency, registration_id=registrations[0].pk), {"action": "in"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#r{registrations[0].pk}")
    assert (
        "1 of 12 people checked in" in client.get(url("door", agency, session_id=session.pk)).text
    )
    csv_response = client.get(url("attendance_csv", agency, session_id=session.pk))
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 13 and "Attended" in lines[0] + "".join(lines)
    assert "Checked in by staff" in csv_response.content.decode()


def test_attendance_sheet_and_completion(client, agency, facilitator):
    start = timezone.now() - timedelta(minutes=90)
    session = SessionFactory(
        element__program__agency=agency, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    present, absent = ClientFactory.create_batch(2, agency=agency)
    for person, mode in ((present, "in_person"), (absent, "online")):
        Registration.objects.create(
            agency=agency, session=session, client=person, mode=mode, status="confirmed"
        )
    client.force_login(facilitator)
    client.post(
        url("check_in", agency, registration_id=Registration.objects.get(client=present).pk),
        {"action": "in", "back": "attendance"},
    )
    client.post(url("session_complete", agency, session_id=session.pk))
    sheet = client.get(url("attendance", agency, session_id=session.pk)).text
    assert (
        "1 confirmed · 1 attended · 0 no-shows" in sheet
        and "1 confirmed · 0 attended · 1 no-show" in sheet
    )


def test_csv_cells_cannot_become_formulas(client, agency, facilitator, session):
    sneaky = ClientFactory(agency=agency, first_name='=HYPERLINK("http://evil")')
    services.registration_create(session=session, client=sneaky, mode="online", actor=None)
    client.force_login(facilitator)
    body = client.get(url("attendance_csv", agency, session_id=session.pk)).content.decode()
    assert "'=HYPERLINK" in body


def test_admin_adopts_a_network_template(client, agency, agency_admin, network):
    template = Program.objects.create(
        network=network, agency=None, title=LazyI18nString({"en": "Pre-arrival"})
    )
    client.force_login(agency_admin)
    assert "Pre-arrival" in client.get(url("templates", agency)).text
    response = client.post(url("adopt", agency, program_id=template.pk))
    assert response.status_code == 302
    assert Program.objects.get(agency=agency).template == template


def test_my_registrations_is_paginated_with_a_constant_query_count(
    signed_in, agency, me, monkeypatch, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tremplin.programs import views

    monkeypatch.setattr(views, "REGISTRATIONS_PER_PAGE", 3)

    def register_for_new_sessions(count, first_day):
        for day in range(first_day, first_day + count):
            new = SessionFactory(
                element__program__agency=agency, starts_at=timezone.now() + timedelta(days=day)
            )
            services.registration_create(session=new, client=me, mode="online", actor=None)

    register_for_new_sessions(2, 1)
    with CaptureQueriesContext(connection) as few:
        assert signed_in.get(url("my_registrations", agency)).status_code == 200
    register_for_new_sessions(5, 10)
    with CaptureQueriesContext(connection) as many:
        page = signed_in.get(url("my_registrations", agency))
    assert len(many.captured_queries) <= len(few.captured_queries) + 1  # + the page count
    assert page.text.count('class="card" id="r') == 3 and "Page 1 of 3" in page.text
    last = signed_in.get(url("my_registrations", agency), {"page": 3}).text
    assert last.count('class="card" id="r') == 1


def test_staff_lists_of_sessions_and_registrations_are_paginated(
    client, agency, facilitator, monkeypatch
):
    from tremplin.programs import views

    monkeypatch.setattr(views, "STAFF_SESSIONS_PER_PAGE", 2)
    monkeypatch.setattr(views, "STAFF_REGISTRATIONS_PER_PAGE", 2)
    sessions = [
        SessionFactory(
            element__program__agency=agency, starts_at=timezone.now() + timedelta(days=day)
        )
        for day in (1, 2, 3)
    ]
    for person in range(3):
        services.registration_create(
            session=sessions[0],
            client=ClientFactory(agency=agency, last_name=f"P{person}"),
            mode="online",
            actor=None,
        )
    client.force_login(facilitator)
    home = client.get(url("staff_home", agency)).text
    assert home.count("/staff/sessions/") >= 2 and "Page 1 of 2" in home
    detail = url("staff_session", agency, session_id=sessions[0].pk)
    first, second = client.get(detail).text, client.get(detail, {"page": 2}).text
    assert first.count('<tr id="r') == 2 and second.count('<tr id="r') == 1
