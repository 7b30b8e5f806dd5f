from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from i18nfield.strings import LazyI18nString

from tremplin.audit.models import AuditEvent
from tremplin.clients.models import ClientLanguage
from tremplin.clients.tests.factories import ClientFactory
from tremplin.employers import selectors, services
from tremplin.employers.models import (
    InterestStatus,
    JobPosting,
    MatchStatus,
    MenteeRequestStatus,
    PostingStatus,
    WorkMode,
)
from tremplin.employers.selectors import today_for
from tremplin.employers.tests.factories import (
    EmployerFactory,
    JobPostingFactory,
    MenteeRequestFactory,
    MentorFactory,
    TimeSlotFactory,
)
from tremplin.programs.models import AttendanceMode, Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


def _posting_fields(agency, **changes):
    fields = {
        "title": LazyI18nString({"fr": "Cuisinier", "en": ""}),
        "description": LazyI18nString({"fr": "Cuisine du marché."}),
        "noc_code": "63200",
        "city": "Calgary",
        "work_mode": WorkMode.ON_SITE,
        "employment_type": "full_time",
        "closing_date": today_for(agency) + timedelta(days=10),
    }
    fields.update(changes)
    return fields


def test_posting_create_validates_and_audits(agency):
    employer = EmployerFactory(agency=agency)
    posting = services.job_posting_create(employer=employer, actor=None, **_posting_fields(agency))
    assert posting.status == PostingStatus.PUBLISHED and posting.published_at
    assert AuditEvent.objects.filter(
        action="job_posting.create", object_id=str(posting.pk)
    ).exists()
    for bad in (
        {"noc_code": "12"},
        {"closing_date": date(2000, 1, 1)},
        {"wage_min": Decimal("30"), "wage_max": Decimal("20")},
    ):
        with pytest.raises(ValidationError):
            services.job_posting_create(
                employer=employer, actor=None, **_posting_fields(agency, **bad)
            )
    assert JobPosting.objects.count() == 1


def test_interest_needs_consent_and_a_chosen_part_of_the_profile(agency):
    posting = JobPostingFactory(employer__agency=agency)
    client = ClientFactory(agency=agency, noc_code="21232")
    with pytest.raises(services.EmployersError) as refusal:
        services.job_interest_create(
            posting=posting, client=client, actor=None, shared_fields=["name"], consent=False
        )
    assert refusal.value.code == "no_consent"
    with pytest.raises(services.EmployersError):
        services.job_interest_create(
            posting=posting, client=client, actor=None, shared_fields=[], consent=True
        )
    interest = services.job_interest_create(
        posting=posting, client=client, actor=None, shared_fields=["name", "bogus"], consent=True
    )
    assert interest.shared_fields == ["name"]
    assert list(selectors.shortlist_for_posting(posting=posting)) == [interest]

    services.job_interest_withdraw(interest=interest, actor=None)
    assert list(selectors.shortlist_for_posting(posting=posting)) == []
    with pytest.raises(services.EmployersError):
        services.job_interest_set_status(interest=interest, actor=None, status="interview")
    # Interested again later: a fresh consent, a fresh choice.
    again = services.job_interest_create(
        posting=posting, client=client, actor=None, shared_fields=["email"], consent=True
    )
    assert again.pk == interest.pk and again.shared_fields == ["email"]
    services.job_interest_set_status(interest=again, actor=None, status=InterestStatus.HIRED)
    assert AuditEvent.objects.filter(action="job_interest.status", client_id=client.pk).exists()


def test_shared_profile_shows_only_the_chosen_fields(agency):
    client = ClientFactory(agency=agency, noc_code="21232", years_experience=4)
    ClientLanguage.objects.create(agency=agency, client=client, language="en", clb_level=7)
    rows = dict(
        (str(label), value)
        for label, value in selectors.shared_profile(
            client=client, fields=["occupation", "languages"], language="en"
        )
    )
    assert set(rows) == {"Occupation", "Languages"}
    assert "21232" in rows["Occupation"] and "EN CLB 7" in rows["Languages"]
    assert client.email not in str(rows)


def test_matching_uses_occupation_languages_and_closing_date(agency):
    client = ClientFactory(agency=agency, noc_code="21232", location_type="urban")
    ClientLanguage.objects.create(agency=agency, client=client, language="en", clb_level=6)
    same = JobPostingFactory(employer__agency=agency, noc_code="21232")
    related = JobPostingFactory(employer__agency=agency, noc_code="21231")
    JobPostingFactory(employer__agency=agency, noc_code="63200")  # another field
    JobPostingFactory(employer__agency=agency, noc_code="21232", min_clb_english=8)  # CLB 6 < 8
    JobPostingFactory(employer__agency=agency, noc_code="21232", status=PostingStatus.DRAFT)
    closed = JobPostingFactory(employer__agency=agency, noc_code="21232")
    JobPosting.objects.filter(pk=closed.pk).update(
        closing_date=today_for(agency) - timedelta(days=1)
    )
    found = [m.posting for m in selectors.postings_matched_for_client(client=client)]
    assert found == [same, related]

    assert services.job_postings_close_expired(agency=agency) == 1
    closed.refresh_from_db()
    assert closed.status == PostingStatus.CLOSED


def _registered(slot, client):
    Registration.objects.create(
        agency=slot.agency,
        session=slot.participant.event.session,
        client=client,
        mode=AttendanceMode.ONLINE,
        status=RegistrationStatus.CONFIRMED,
    )


def test_slot_booking_rules(agency):
    slot = TimeSlotFactory(participant__event__session__element__program__agency=agency)
    first, second = ClientFactory.create_batch(2, agency=agency)
    with pytest.raises(services.EmployersError) as refusal:
        services.slot_book(slot=slot, client=first, actor=None, share_profile=True)
    assert refusal.value.code == "not_registered"
    _registered(slot, first)
    _registered(slot, second)
    booking = services.slot_book(slot=slot, client=first, actor=None, share_profile=True)
    with pytest.raises(services.EmployersError) as refusal:
        services.slot_book(slot=slot, client=second, actor=None, share_profile=True)
    assert refusal.value.code == "taken"
    # The same client cannot hold two times with one employer, nor two at the same time.
    later = TimeSlotFactory(
        participant=slot.participant, starts_at=slot.starts_at + timedelta(minutes=15)
    )
    with pytest.raises(services.EmployersError) as refusal:
        services.slot_book(slot=later, client=first, actor=None, share_profile=True)
    assert refusal.value.code == "duplicate"
    elsewhere = TimeSlotFactory(
        participant__event=slot.participant.event,
        participant__agency=agency,
        starts_at=slot.starts_at,
    )
    with pytest.raises(services.EmployersError) as refusal:
        services.slot_book(slot=elsewhere, client=first, actor=None, share_profile=True)
    assert refusal.value.code == "overlap"
    services.slot_booking_cancel(booking=booking, actor=None)
    services.slot_book(slot=slot, client=second, actor=None, share_profile=False)


def test_time_slots_fall_within_the_event(agency):
    slot = TimeSlotFactory(participant__event__session__element__program__agency=agency)
    participant = slot.participant
    session = participant.event.session
    created = services.time_slots_generate(
        participant=participant,
        actor=None,
        start=session.starts_at,
        end=session.starts_at + timedelta(hours=1),
        minutes=15,
    )
    assert len(created) == 3  # the first quarter already existed
    with pytest.raises(ValidationError):
        services.time_slots_generate(
            participant=participant,
            actor=None,
            start=session.starts_at - timedelta(hours=1),
            end=session.starts_at,
            minutes=15,
        )


def test_mentoring_propose_approve_log_and_hours(agency):
    mentor = MentorFactory(agency=agency, capacity=1)
    MentorFactory(agency=agency, languages=["ar"])  # no language in common with anyone
    requests = [MenteeRequestFactory(client__agency=agency) for _ in range(2)]
    proposals = services.mentoring_propose(agency=agency, actor=None)
    assert len(proposals) == 1 and proposals[0].mentor_id == mentor.pk
    match = services.mentoring_match_approve(match=proposals[0], actor=None)
    assert match.status == MatchStatus.ACTIVE
    match.request.refresh_from_db()
    assert match.request.status == MenteeRequestStatus.MATCHED
    # The mentor is full now: nothing more to propose for the other request.
    assert services.mentoring_propose(agency=agency, actor=None) == []

    services.mentoring_meeting_log(
        match=match, actor=None, met_on=today_for(agency), mode="online", duration_minutes=90
    )
    services.mentoring_meeting_log(
        match=match, actor=None, met_on=today_for(agency), mode="online", duration_minutes=45
    )
    with pytest.raises(ValidationError):
        services.mentoring_meeting_log(
            match=match,
            actor=None,
            met_on=today_for(agency) + timedelta(days=3),
            mode="online",
            duration_minutes=45,
        )
    services.mentoring_feedback_give(match=match, actor=None, side="mentee", rating=5)
    services.mentoring_feedback_give(match=match, actor=None, side="mentor", rating=4)
    assert selectors.mentoring_hours_for_client(client=match.client) == Decimal("2.25")
    assert selectors.mentoring_hours_by_client(agency=agency) == {match.client_id: Decimal("2.25")}
    assert requests[0].client_id in {r.client_id for r in requests}


def test_a_rejected_pair_is_not_proposed_again(agency):
    MentorFactory(agency=agency)
    MenteeRequestFactory(client__agency=agency)
    [proposal] = services.mentoring_propose(agency=agency, actor=None)
    services.mentoring_match_reject(match=proposal, actor=None)
    assert services.mentoring_propose(agency=agency, actor=None) == []


def test_the_hourly_task_closes_expired_postings(agency):
    from tremplin.employers.tasks import close_expired_postings

    posting = JobPostingFactory(employer__agency=agency)
    JobPosting.objects.filter(pk=posting.pk).update(
        closing_date=today_for(agency) - timedelta(days=2)
    )
    close_expired_postings.call_local()
    posting.refresh_from_db()
    assert posting.status == PostingStatus.CLOSED
