import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from i18nfield.strings import LazyI18nString

from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import member
from tremplin.audit.models import AuditEvent
from tremplin.clients.models import Client, ConsentPurpose
from tremplin.clients.services import consent_give
from tremplin.clients.tests.factories import ClientFactory
from tremplin.employers import services
from tremplin.employers.models import InterestStatus, JobInterest, JobPosting, PostingStatus
from tremplin.employers.selectors import today_for
from tremplin.employers.tests.factories import (
    EmployerFactory,
    EventEmployerFactory,
    JobPostingFactory,
    TimeSlotFactory,
    employer_contact,
)
from tremplin.programs.models import (
    AttendanceMode,
    AttendanceStatus,
    Registration,
    RegistrationStatus,
)

pytestmark = pytest.mark.django_db


def url(name, agency, **kwargs):
    return reverse(f"employers:{name}", kwargs={"agency_slug": agency.slug, **kwargs})


@pytest.fixture
def me(agency, client_user):
    record = Client.objects.get(user=client_user)
    record.noc_code = "21232"
    record.location_type = "urban"
    record.save()
    return record


def _interest(posting, client, fields=("name", "email", "occupation")):
    return services.job_interest_create(
        posting=posting, client=client, actor=None, shared_fields=list(fields), consent=True
    )


def test_a_client_sees_matched_jobs_and_shares_a_chosen_part_of_the_profile(
    client, agency, client_user, me
):
    posting = JobPostingFactory(employer__agency=agency)
    other_field = JobPostingFactory(
        employer__agency=agency, noc_code="63200", title=LazyI18nString({"en": "Line cook"})
    )
    client.force_login(client_user)
    page = client.get(url("my_jobs", agency))
    assert str(posting.title) in page.text and str(other_field.title) not in page.text

    form_url = url("interest_create", agency, job_posting_id=posting.pk)
    refused = client.post(form_url, {"shared_fields": ["name"]})
    assert refused.status_code == 200 and "Tick the box" in refused.text
    assert not JobInterest.objects.exists()
    response = client.post(form_url, {"shared_fields": ["name", "occupation"], "consent": "on"})
    assert response.status_code == 302
    interest = JobInterest.objects.get()
    assert interest.shared_fields == ["name", "occupation"] and interest.client == me

    client.post(url("interest_withdraw", agency, job_interest_id=interest.pk))
    interest.refresh_from_db()
    assert interest.status == InterestStatus.WITHDRAWN


def test_employer_contacts_see_only_their_own_organisation(client, agency):
    mine, theirs = EmployerFactory(agency=agency), EmployerFactory(agency=agency)
    contact = employer_contact(employer=mine)
    my_posting = JobPostingFactory(employer=mine)
    their_posting = JobPostingFactory(employer=theirs)
    sharing = ClientFactory(agency=agency, first_name="Sharon")
    their_interest = _interest(their_posting, sharing)
    my_interest = _interest(my_posting, sharing, fields=("occupation",))
    withdrawn = ClientFactory(agency=agency, first_name="Wanda")
    services.job_interest_withdraw(interest=_interest(my_posting, withdrawn), actor=None)

    client.force_login(contact)
    home = client.get(url("employer_home", agency))
    assert str(my_posting.title) in home.text
    for name, kwargs in [
        ("employer_job", {"job_posting_id": their_posting.pk}),
        ("employer_job_edit", {"job_posting_id": their_posting.pk}),
        ("employer_interest_status", {"job_interest_id": their_interest.pk}),
    ]:
        assert client.get(url(name, agency, **kwargs)).status_code == 404
        assert client.post(url(name, agency, **kwargs), {"status": "hired"}).status_code == 404
    their_interest.refresh_from_db()
    assert their_interest.status == InterestStatus.INTERESTED

    shortlist = client.get(url("employer_job", agency, job_posting_id=my_posting.pk))
    assert shortlist.status_code == 200
    # Only what the client chose: the occupation, not the name; the withdrawn client not at all.
    assert "Occupation" in shortlist.text
    assert "Sharon" not in shortlist.text and "Wanda" not in shortlist.text
    seen = AuditEvent.objects.get(action="job_interest.shortlist_view", actor=contact)
    assert seen.detail == {"clients": [sharing.pk]}
    response = client.post(
        url("employer_interest_status", agency, job_interest_id=my_interest.pk),
        {"status": "interview"},
    )
    assert response.status_code == 302
    my_interest.refresh_from_db()
    assert my_interest.status == InterestStatus.INTERVIEW

    # Staff pages and the client pages are not for employer contacts.
    assert client.get(url("staff_home", agency)).status_code == 404
    assert client.get(url("my_jobs", agency)).status_code == 404


def test_employers_see_attendance_only_of_clients_who_consented(client, agency):
    participant = EventEmployerFactory(event__session__element__program__agency=agency)
    other = EventEmployerFactory(event=participant.event, agency=agency)
    contact = employer_contact(employer=participant.employer)
    stranger = employer_contact(employer=EmployerFactory(agency=agency))
    event = participant.event
    people = {name: ClientFactory(agency=agency, first_name=name) for name in ("Ada", "Bea", "Cyd")}
    start = event.session.starts_at
    for number, (name, person) in enumerate(people.items()):
        Registration.objects.create(
            agency=agency,
            session=event.session,
            client=person,
            mode=AttendanceMode.ONLINE,
            status=RegistrationStatus.CONFIRMED,
            attendance=AttendanceStatus.ATTENDED,
        )
        where = other if name == "Cyd" else participant
        slot = TimeSlotFactory(participant=where, starts_at=start + timedelta(minutes=15 * number))
        services.slot_book(slot=slot, client=person, actor=None, share_profile=name != "Bea")

    # Registered without booking: Dee agreed to share with employers in general, Eve did not.
    dee, eve = (ClientFactory(agency=agency, first_name=name) for name in ("Dee", "Eve"))
    consent_give(client=dee, purpose=ConsentPurpose.SHARE_WITH_EMPLOYERS, actor=None)
    for person in (dee, eve):
        Registration.objects.create(
            agency=agency,
            session=event.session,
            client=person,
            mode=AttendanceMode.IN_PERSON,
            status=RegistrationStatus.CONFIRMED,
        )

    client.force_login(contact)
    page = client.get(url("employer_event", agency, hiring_event_id=event.pk))
    assert "Dee" in page.text and "Eve" not in page.text
    assert "Ada" in page.text  # booked with this employer and agreed to share
    assert "Bea" not in page.text  # booked without sharing: counted, never named
    assert "1 other person booked a time without sharing" in page.text
    assert "Cyd" not in page.text  # another employer's candidate

    client.force_login(stranger)  # an employer who does not take part in the event
    assert client.get(url("employer_event", agency, hiring_event_id=event.pk)).status_code == 404


def test_a_posting_past_its_closing_date_is_closed_everywhere(client, agency, client_user, me):
    posting = JobPostingFactory(employer__agency=agency)
    client.force_login(client_user)
    detail = client.get(url("job_detail", agency, job_posting_id=posting.pk))
    markup = re.search(r'<script type="application/ld\+json">(.*?)</script>', detail.text, re.S)
    assert markup is not None
    data = json.loads(markup.group(1))
    assert data["@type"] == "JobPosting" and data["title"] == "Software developer"
    assert data["hiringOrganization"]["name"] == posting.employer.name

    JobPosting.objects.filter(pk=posting.pk).update(
        closing_date=today_for(agency) - timedelta(days=1)
    )
    assert str(posting.title) not in client.get(url("my_jobs", agency)).text
    assert str(posting.title) not in client.get(url("job_list", agency)).text
    closed = client.get(url("job_detail", agency, job_posting_id=posting.pk))
    assert closed.status_code == 200
    assert "This job posting is closed." in closed.text
    assert "application/ld+json" not in closed.text
    assert "I am interested" not in closed.text
    assert client.get(url("interest_create", agency, job_posting_id=posting.pk)).status_code == 404
    french = client.get(f"/fr/a/{agency.slug}/employers/jobs/{posting.pk}/")
    assert "Cette offre d’emploi est fermée." in french.text


def test_a_draft_is_not_public(client, agency):
    draft = JobPostingFactory(employer__agency=agency, status=PostingStatus.DRAFT)
    assert client.get(url("job_detail", agency, job_posting_id=draft.pk)).status_code == 404


def test_an_employer_contact_posts_a_job_in_french(client, agency):
    employer = EmployerFactory(agency=agency)
    contact = employer_contact(employer=employer)
    client.force_login(contact)
    response = client.post(
        url("employer_job_create", agency),
        {
            "title_0": "",
            "title_1": "Soudeur",
            "description_0": "",
            "description_1": "Soudure à l'arc.",
            "noc_code": "72106",
            "work_mode": "on_site",
            "employment_type": "full_time",
            "wage_unit": "HOUR",
            "closing_date": (today_for(agency) + timedelta(days=5)).isoformat(),
            "publish": "on",
        },
    )
    assert response.status_code == 302, response.text
    posting = JobPosting.objects.get()
    assert posting.employer == employer and posting.title.localize("fr") == "Soudeur"
    bad = client.post(url("employer_job_create", agency), {"title_1": "X", "noc_code": "1"})
    assert bad.status_code == 200 and JobPosting.objects.count() == 1


def test_staff_pages(client, agency, counsellor, django_assert_max_num_queries):
    employer = EmployerFactory(agency=agency)
    for _ in range(3):
        posting = JobPostingFactory(employer=employer)
        _interest(posting, ClientFactory(agency=agency))
    EventEmployerFactory(event__session__element__program__agency=agency, employer=employer)
    client.force_login(counsellor)
    with django_assert_max_num_queries(20):
        assert client.get(url("staff_home", agency)).status_code == 200
    assert client.get(url("staff_employer", agency, employer_id=employer.pk)).status_code == 200
    response = client.post(
        url("staff_employer", agency, employer_id=employer.pk),
        {"email": "Boss@Example.org", "first_name": "Bo", "last_name": "Ss"},
    )
    assert response.status_code == 302
    assert employer.contacts.get().user.email == "boss@example.org"
    assert client.get(url("staff_job", agency, job_posting_id=posting.pk)).status_code == 200
    assert client.get(url("staff_mentoring", agency)).status_code == 200
    assert client.post(url("staff_mentoring", agency)).status_code == 302


def test_facilitators_do_not_manage_employers(client, agency, facilitator):
    client.force_login(facilitator)
    assert client.get(url("staff_home", agency)).status_code == 404
    other = member(agency=agency, role=Role.CLIENT)
    client.force_login(other)
    assert client.get(url("staff_home", agency)).status_code == 404


def test_staff_invite_clients_who_share_with_employers_through_messaging(
    client, agency, counsellor
):
    from tremplin.messaging.models import OutboundMessage

    participant = EventEmployerFactory(event__session__element__program__agency=agency)
    sharing, private = ClientFactory(agency=agency), ClientFactory(agency=agency)
    for purpose in (ConsentPurpose.SHARE_WITH_EMPLOYERS, ConsentPurpose.CONTACT_EMAIL):
        consent_give(client=sharing, purpose=purpose, actor=None)
    consent_give(client=private, purpose=ConsentPurpose.CONTACT_EMAIL, actor=None)
    client.force_login(counsellor)
    page = url("staff_event", agency, hiring_event_id=participant.event_id)
    assert client.post(page, {"invite": "1"}).status_code == 302
    client.post(page, {"invite": "1"})  # once per client and event
    invited = OutboundMessage.objects.filter(message_type="hiring_event_invitation")
    assert {m.client_id for m in invited} == {sharing.pk}
    assert invited.count() == 1
