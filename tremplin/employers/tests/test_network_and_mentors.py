"""Employers shared across the network (with the employer's recorded consent), and mentors who
sign in with an employer contact login and see only their own mentees."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import AgencyFactory, NetworkFactory, member
from tremplin.audit.models import AuditEvent
from tremplin.clients.tests.factories import ClientFactory
from tremplin.employers import selectors, services
from tremplin.employers.models import (
    FeedbackSide,
    JobPosting,
    MentoringFeedback,
    MentoringMeeting,
    ShareableField,
)
from tremplin.employers.tests.factories import (
    EmployerFactory,
    EventEmployerFactory,
    MenteeRequestFactory,
    MentorFactory,
    employer_contact,
)

pytestmark = pytest.mark.django_db


def url(name, agency, **kwargs):
    return reverse(f"employers:{name}", kwargs={"agency_slug": agency.slug, **kwargs})


@pytest.fixture
def outsider():
    """An agency of another network."""
    return AgencyFactory(network=NetworkFactory(slug="elsewhere"), slug="gamma")


# ---- network sharing ---------------------------------------------------------------------------


def test_sharing_needs_the_name_of_who_agreed_and_records_when_and_by_whom(agency, counsellor):
    employer = EmployerFactory(agency=agency)
    with pytest.raises(ValidationError):
        services.employer_network_share(employer=employer, actor=counsellor, consent_by="  ")
    services.employer_network_share(
        employer=employer, actor=counsellor, consent_by="Dana Lee, HR director"
    )
    employer.refresh_from_db()
    assert employer.shared_with_network
    assert employer.network_consent_by == "Dana Lee, HR director"
    assert employer.network_consent_recorded_by == counsellor
    assert timezone.now() - employer.network_consent_at < timedelta(minutes=1)
    assert AuditEvent.objects.filter(action="employer.network_share", actor=counsellor).exists()


def test_a_shared_employer_is_seen_by_the_network_and_never_outside_it(
    client, agency, other_agency, outsider
):
    shared = EmployerFactory(agency=other_agency, name="Shared Co")
    private = EmployerFactory(agency=other_agency, name="Private Co")
    services.employer_network_share(employer=shared, actor=None, consent_by="Owner")
    assert list(selectors.network_employers_shared(agency=agency)) == [shared]
    assert list(selectors.network_employers_shared(agency=other_agency)) == []  # its own
    assert list(selectors.network_employers_shared(agency=outsider)) == []

    staff = member(agency=agency, role=Role.FACILITATOR)
    client.force_login(staff)
    page = client.get(url("staff_network_employers", agency)).content.decode()
    assert "Shared Co" in page and "Private Co" not in page
    assert (
        client.get(url("staff_network_employer", agency, employer_id=shared.pk)).status_code == 200
    )
    for hidden in (private, EmployerFactory(agency=agency)):  # not shared; or our own
        assert (
            client.get(url("staff_network_employer", agency, employer_id=hidden.pk)).status_code
            == 404
        )
    # Read-only: the owner agency's staff pages stay the owner's.
    assert client.get(url("staff_employer", agency, employer_id=shared.pk)).status_code == 404

    stranger = member(agency=outsider, role=Role.COUNSELLOR)
    client.force_login(stranger)
    assert "Shared Co" not in client.get(url("staff_network_employers", outsider)).content.decode()
    assert (
        client.get(url("staff_network_employer", outsider, employer_id=shared.pk)).status_code
        == 404
    )

    services.employer_network_unshare(employer=shared, actor=None)
    assert list(selectors.network_employers_shared(agency=agency)) == []


def test_network_agencies_invite_a_shared_employer_and_post_its_jobs(
    client, agency, other_agency, outsider, counsellor
):
    shared = EmployerFactory(agency=other_agency)
    private = EmployerFactory(agency=other_agency)
    services.employer_network_share(employer=shared, actor=None, consent_by="Owner")
    participant = EventEmployerFactory(event__session__element__program__agency=agency)
    event = participant.event

    guest = services.hiring_event_add_employer(
        event=event, employer=shared, actor=counsellor, breakout_url="https://meet.example/x"
    )
    assert guest.agency_id == agency.pk and guest.employer_id == shared.pk
    with pytest.raises(ValueError):
        services.hiring_event_add_employer(event=event, employer=private, actor=counsellor)
    outside_event = EventEmployerFactory(event__session__element__program__agency=outsider).event
    with pytest.raises(ValueError):
        services.hiring_event_add_employer(event=outside_event, employer=shared, actor=None)

    # The staff job form offers the shared employer; the posting is this agency's own.
    client.force_login(counsellor)
    form = client.get(url("staff_job_create", agency)).content.decode()
    assert f'value="{shared.pk}"' in form and f'value="{private.pk}"' not in form
    closing = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        url("staff_job_create", agency),
        {
            "employer": shared.pk,
            "title_0": "Warehouse associate",
            "description_0": "Pick and pack.",
            "noc_code": "75101",
            "work_mode": "on_site",
            "employment_type": "full_time",
            "wage_unit": "HOUR",
            "closing_date": closing,
            "publish": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    posting = JobPosting.objects.get(employer=shared)
    assert posting.agency_id == agency.pk
    # …and the owner agency's employer contacts do not get this agency's candidates.
    assert list(selectors.job_postings_for_employer(employer=shared)) == []
    with pytest.raises(ValueError):
        services.job_posting_create(
            employer=shared, agency=outsider, actor=None, title="x", closing_date=closing
        )


def test_staff_record_the_consent_on_the_share_page(client, agency, counsellor):
    employer = EmployerFactory(agency=agency)
    client.force_login(counsellor)
    share = url("staff_employer_share", agency, employer_id=employer.pk)
    assert client.get(share).status_code == 200
    assert client.post(share, {"consent_by": "Sam"}).status_code == 200  # box not ticked
    employer.refresh_from_db()
    assert not employer.shared_with_network
    assert client.post(share, {"consent_by": "Sam, owner", "confirm": "on"}).status_code == 302
    employer.refresh_from_db()
    assert employer.shared_with_network and employer.network_consent_by == "Sam, owner"
    page = client.get(url("staff_employer", agency, employer_id=employer.pk)).content.decode()
    assert "Sam, owner" in page
    assert client.post(share, {"unshare": "1"}).status_code == 302
    employer.refresh_from_db()
    assert not employer.shared_with_network


# ---- mentors who sign in -----------------------------------------------------------------------


def _active_pair(agency, mentor, **request_fields):
    request = MenteeRequestFactory(client=ClientFactory(agency=agency), **request_fields)
    proposal = services.mentoring_propose(agency=agency, actor=None)
    [match] = [p for p in proposal if p.request_id == request.pk]
    return services.mentoring_match_approve(match=match, actor=None)


@pytest.fixture
def mentor_login(agency):
    employer = EmployerFactory(agency=agency)
    user = employer_contact(employer=employer)
    mentor = MentorFactory(agency=agency, employer=employer, capacity=1)
    services.mentor_link_contact(mentor=mentor, contact=user.employer_contacts.get(), actor=None)
    return user, mentor


def test_a_mentor_signs_in_and_sees_only_their_own_mentees(
    client, agency, other_agency, mentor_login
):
    user, mentor = mentor_login
    mine = _active_pair(
        agency,
        mentor,
        notes="Learn how hiring works here",
        shared_fields=[ShareableField.OCCUPATION],
    )
    mine.client.email = "secret-mentee@example.org"
    mine.client.last_name = "Hidden-Lastname"
    mine.client.save()
    someone_else = MentorFactory(agency=agency, capacity=1)
    theirs = _active_pair(agency, someone_else)
    assert theirs.mentor_id == someone_else.pk
    elsewhere_mentor = MentorFactory(agency=other_agency)
    elsewhere = _active_pair(other_agency, elsewhere_mentor)

    client.force_login(user)
    home = client.get(url("mentor_home", agency)).content.decode()
    assert mine.client.first_name in home
    assert f"/employer/mentees/{theirs.pk}/" not in home
    page = client.get(url("mentor_match", agency, mentoring_match_id=mine.pk)).content.decode()
    assert "Learn how hiring works here" in page
    # Consent-limited: the mentee shared only their occupation.
    assert "secret-mentee@example.org" not in page and "Hidden-Lastname" not in page
    for other in (theirs, elsewhere):
        for method in ("get", "post"):
            response = getattr(client, method)(
                url("mentor_match", agency, mentoring_match_id=other.pk)
            )
            assert response.status_code == 404
    assert client.get(url("mentor_home", other_agency)).status_code == 404


def test_a_mentor_logs_meetings_and_gives_feedback_the_mentee_gives_theirs(
    client, agency, mentor_login
):
    user, mentor = mentor_login
    match = _active_pair(agency, mentor)
    client.force_login(user)
    page = url("mentor_match", agency, mentoring_match_id=match.pk)
    today = timezone.localdate().isoformat()
    response = client.post(
        page, {"log_meeting": "1", "met_on": today, "mode": "online", "duration_minutes": "45"}
    )
    assert response.status_code == 302
    meeting = MentoringMeeting.objects.get(match=match)
    assert meeting.logged_by == user and meeting.duration_minutes == 45
    assert (
        client.post(page, {"give_feedback": "1", "rating": "4", "comment": "Keen"}).status_code
        == 302
    )
    feedback = MentoringFeedback.objects.get(match=match)
    assert (feedback.side, feedback.given_by, feedback.rating) == (FeedbackSide.MENTOR, user, 4)

    # The mentee gives feedback from the client space.
    mentee_user = member(agency=agency, role=Role.CLIENT)
    match.client.user = mentee_user
    match.client.save()
    client.force_login(mentee_user)
    response = client.post(
        url("mentee_feedback", agency, mentoring_match_id=match.pk), {"rating": "5"}
    )
    assert response.status_code == 302
    assert (
        MentoringFeedback.objects.get(match=match, side=FeedbackSide.MENTEE).given_by == mentee_user
    )


def test_an_employer_contact_who_is_not_a_mentor_has_no_mentee_pages(client, agency, mentor_login):
    _user, mentor = mentor_login
    match = _active_pair(agency, mentor)
    plain = employer_contact(employer=EmployerFactory(agency=agency))
    client.force_login(plain)
    assert client.get(url("mentor_home", agency)).status_code == 404
    assert client.get(url("mentor_match", agency, mentoring_match_id=match.pk)).status_code == 404


def test_a_login_mentors_once(agency, mentor_login):
    user, mentor = mentor_login
    with pytest.raises(ValidationError, match="already belongs to another mentor"):
        services.mentor_link_contact(
            mentor=MentorFactory(agency=agency, employer=mentor.employer),
            contact=user.employer_contacts.get(),
            actor=None,
        )


def test_a_mentor_signs_in_only_as_a_contact_of_their_own_employer(agency):
    other_employer_login = employer_contact(employer=EmployerFactory(agency=agency))
    mentor = MentorFactory(agency=agency, employer=EmployerFactory(agency=agency))
    with pytest.raises(ValidationError, match="another employer"):
        services.mentor_link_contact(
            mentor=mentor, contact=other_employer_login.employer_contacts.get(), actor=None
        )
    mentor.refresh_from_db()
    assert mentor.contact is None


def test_the_demo_shows_shared_employers_network_guests_and_a_mentor_who_signs_in():
    from django.db.models import F
    from django_scopes import scopes_disabled

    from tremplin.agencies.models import Agency
    from tremplin.core.demodata import DemoNetwork, run_demo_loaders
    from tremplin.employers.models import (
        Employer,
        EventEmployer,
        HiringEvent,
        JobPosting,
        MentoringMatch,
        MentorProfile,
    )

    with scopes_disabled():
        run_demo_loaders(DemoNetwork(network=None))  # type: ignore[arg-type]
        pnec = Agency.objects.get(slug="pnec")
        assert Employer.objects.count() >= 5 and JobPosting.objects.count() >= 12
        assert all(p.title.data.get("fr") for p in JobPosting.objects.all())  # EN and FR
        events = HiringEvent.objects.select_related("session")
        assert events.count() >= 2
        assert any(not e.session.offers_in_person for e in events)  # one is virtual
        assert MentoringMatch.objects.filter(status="active").exists()
        shared = Employer.objects.filter(shared_with_network=True)
        assert shared.exists() and all(e.network_consent_by for e in shared)
        assert selectors.network_employers_shared(agency=pnec).exists()
        guests = EventEmployer.objects.exclude(employer__agency=F("agency"))
        assert guests.exists()  # an agency's fair welcomes an employer shared by another
        mentor = MentorProfile.objects.get(agency=pnec, contact__isnull=False)
        assert mentor.contact.user.email == "hiring@employer-pnec.example.org"
        assert selectors.mentees_of_mentor(mentor=mentor).exists()


def test_staff_add_a_mentor_who_signs_in_with_an_employer_contact(client, agency, counsellor):
    employer = EmployerFactory(agency=agency)
    user = employer_contact(employer=employer)
    client.force_login(counsellor)
    response = client.post(
        url("staff_mentor_create", agency),
        {
            "first_name": "Rosa",
            "last_name": "Diaz",
            "employer": employer.pk,
            "noc_code": "21232",
            "languages": ["en"],
            "modes": ["online"],
            "capacity": "2",
            "contact": user.employer_contacts.get().pk,
        },
    )
    assert response.status_code == 302
    assert selectors.mentor_of_user(agency=agency, user=user).first_name == "Rosa"


def test_the_mentee_chooses_what_their_mentor_may_see(client, agency, client_user):
    client.force_login(client_user)
    response = client.post(
        url("my_mentoring", agency),
        {
            "noc_code": "21232",
            "languages": ["en"],
            "modes": ["online"],
            "shared_fields": [ShareableField.EMAIL, ShareableField.LANGUAGES],
        },
    )
    assert response.status_code == 302
    request = client_user.client_records.get().mentee_requests.get()
    assert request.shared_fields == [ShareableField.EMAIL, ShareableField.LANGUAGES]
