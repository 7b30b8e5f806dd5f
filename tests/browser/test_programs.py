"""A client registers online for a hybrid session, is waitlisted for the full room of another,
joins online through the platform's Join link; a facilitator checks someone in at the door."""

from datetime import timedelta

from django.utils import timezone
from django_scopes import scopes_disabled

from tests.browser.conftest import screenshot, sign_in
from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, AgencyFactory, member
from tremplin.clients.tests.factories import ClientFactory
from tremplin.programs import services
from tremplin.programs.models import AttendanceStatus, Registration
from tremplin.programs.tests.factories import SessionFactory


def test_register_waitlist_join_and_door_check_in(page):
    with scopes_disabled():
        agency = AgencyFactory(slug="prairie")
        person = member(agency=agency, role=Role.CLIENT, first_name="Maria", last_name="Santos")
        me = ClientFactory(agency=agency, user=person, first_name="Maria", last_name="Santos")
        facilitator = member(
            agency=agency, role=Role.FACILITATOR, first_name="Tomás", last_name="Rivera"
        )
        starts_soon = timezone.now() + timedelta(minutes=10)
        today = SessionFactory(
            element__program__agency=agency,
            starts_at=starts_soon,
            ends_at=starts_soon + timedelta(hours=2),
            join_url="https://meet.jit.si/tremplin-prairie-demo-room",
        )
        walk_in = ClientFactory(agency=agency, first_name="Ahmad", last_name="Rahimi")
        services.registration_create(session=today, client=walk_in, mode="in_person", actor=None)
        full_room = SessionFactory(
            element__program__agency=agency, in_person_capacity=1, title={"en": "Networking circle"}
        )
        services.registration_create(
            session=full_room, client=ClientFactory(agency=agency), mode="in_person", actor=None
        )

    sign_in(page, email=person.email, password=TEST_PASSWORD)
    page.goto(f"/en/a/prairie/programs/sessions/{today.pk}/")
    page.get_by_label("Online").check()
    page.get_by_role("button", name="Register").click()
    page.get_by_text("You have a seat (Online).").wait_for()
    screenshot(page, "programs-registered-online")

    page.goto(f"/en/a/prairie/programs/sessions/{full_room.pk}/")
    page.get_by_label("In person").check()
    page.get_by_role("button", name="Register").click()
    page.get_by_text("you are number 1 on the waitlist").wait_for()
    screenshot(page, "programs-my-registrations")

    # The meeting itself is off-site: answer it locally and check where the Join link led.
    page.route(
        "https://meet.jit.si/**", lambda route: route.fulfill(status=200, body="meeting room")
    )
    page.get_by_role("button", name="Join online").click()  # a POST: no state change on GET
    page.wait_for_url(today.join_url)
    with scopes_disabled():
        joined = Registration.objects.get(session=today, client=me)
    assert (joined.attendance, joined.attended_mode) == (AttendanceStatus.ATTENDED, "online")

    page.context.clear_cookies()
    sign_in(page, email=facilitator.email, password=TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    page.goto(f"/en/a/prairie/programs/staff/sessions/{today.pk}/door/")
    page.get_by_text("0 of 1 person checked in").wait_for()
    page.get_by_role("button", name="Check in: Rahimi, Ahmad").click()
    page.get_by_text("1 of 1 person checked in").wait_for()
    screenshot(page, "programs-door-check-in")
    with scopes_disabled():
        assert Registration.objects.get(session=today, client=walk_in).check_in_method == "door"
