"""Reads with rules: who may see which posting, candidate, booking or mentoring pair.

Getters raise Http404 for "missing" and "not yours" alike. An employer contact reaches data
only through `employer_of_user` (their one organisation), and sees a client only through an
interest or a slot booking where that client chose to share their profile.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency
from tremplin.clients.models import Client, ClientLanguage, ConsentPurpose
from tremplin.clients.reference import noc_get
from tremplin.clients.selectors import consent_allows
from tremplin.employers.models import (
    Employer,
    EmployerContact,
    EventEmployer,
    HiringEvent,
    InterestStatus,
    JobInterest,
    JobPosting,
    MatchStatus,
    MenteeRequest,
    MenteeRequestStatus,
    MentoringMatch,
    MentoringMeeting,
    MentorProfile,
    PostingStatus,
    ShareableField,
    SlotBooking,
    TimeSlot,
    WorkMode,
)
from tremplin.programs.models import Registration, RegistrationStatus, SessionStatus


def today_for(agency: Agency) -> date:
    return timezone.localdate(timezone=ZoneInfo(agency.time_zone))


def occupation_title(code: str, language: str) -> str:
    occupation = noc_get(code)
    return occupation.title(language) if occupation else ""


# ---------------------------------------------------------------------------------------------
# Employers


def employer_of_user(*, agency: Agency, user: User | AnonymousUser) -> Employer | None:
    """The organisation an employer contact acts for in this agency (None if none)."""
    if not user.is_authenticated:
        return None
    contact = (
        EmployerContact.objects.filter(agency=agency, user=user).select_related("employer").first()
    )
    return contact.employer if contact else None


def employer_list(*, agency: Agency) -> QuerySet[Employer]:
    return Employer.objects.filter(agency=agency).annotate(
        open_postings=Count("postings", filter=Q(postings__status=PostingStatus.PUBLISHED)),
        contact_count=Count("contacts", distinct=True),
    )


def employer_get(*, agency: Agency, employer_id: int) -> Employer:
    return get_object_or_404(Employer.objects.filter(agency=agency), pk=employer_id)


def employer_contacts(*, employer: Employer) -> QuerySet[EmployerContact]:
    return EmployerContact.objects.filter(employer=employer).select_related("user")


def _shared_in_network(agency: Agency) -> Q:
    """Employers that agreed to be shared, of the active agencies of `agency`'s network."""
    return Q(shared_with_network=True, agency__network_id=agency.network_id, agency__is_active=True)


def network_employers_shared(*, agency: Agency) -> QuerySet[Employer]:
    """Employers of the other agencies of the agency's network that agreed to be shared
    (consent recorded). Never an agency of another network. The scope is the page's one
    agency, so this crossing is explicit: the network and the consent are the filter."""
    return (
        Employer.objects.with_scopes_disabled()  # type: ignore[attr-defined]
        .filter(_shared_in_network(agency))
        .exclude(agency=agency)
        .select_related("agency")
        .order_by("name", "id")
    )


def network_employer_get(*, agency: Agency, employer_id: int) -> Employer:
    return get_object_or_404(network_employers_shared(agency=agency), pk=employer_id)


def employers_usable(*, agency: Agency) -> QuerySet[Employer]:
    """What the agency's staff may post jobs for or invite to an event: its own employers
    and those shared with the network (explicit network filter, as above)."""
    return (
        Employer.objects.with_scopes_disabled()  # type: ignore[attr-defined]
        .filter(Q(agency=agency) | _shared_in_network(agency))
        .select_related("agency")
        .order_by("name", "id")
    )


# ---------------------------------------------------------------------------------------------
# Job postings


def _postings(agency: Agency) -> QuerySet[JobPosting]:
    return JobPosting.objects.filter(agency=agency).select_related("employer")


def job_postings_open(*, agency: Agency, today: date | None = None) -> QuerySet[JobPosting]:
    """Published postings whose closing date has not passed (in the agency's time zone)."""
    today = today or today_for(agency)
    return _postings(agency).filter(status=PostingStatus.PUBLISHED, closing_date__gte=today)


def job_posting_get_public(*, agency: Agency, job_posting_id: int) -> JobPosting:
    """A posting's public page: published or closed, never a draft."""
    return get_object_or_404(
        _postings(agency).exclude(status=PostingStatus.DRAFT), pk=job_posting_id
    )


def job_posting_get_open(*, agency: Agency, job_posting_id: int) -> JobPosting:
    return get_object_or_404(job_postings_open(agency=agency), pk=job_posting_id)


def job_posting_get_for_agency(*, agency: Agency, job_posting_id: int) -> JobPosting:
    return get_object_or_404(_postings(agency), pk=job_posting_id)


def job_postings_for_employer(*, employer: Employer) -> QuerySet[JobPosting]:
    return (
        JobPosting.objects.filter(agency_id=employer.agency_id, employer=employer)
        .annotate(
            candidates=Count("interests", filter=~Q(interests__status=InterestStatus.WITHDRAWN))
        )
        .order_by("-created_at", "-id")
    )


def job_posting_get_for_employer(*, employer: Employer, job_posting_id: int) -> JobPosting:
    return get_object_or_404(job_postings_for_employer(employer=employer), pk=job_posting_id)


def job_postings_for_staff(*, agency: Agency) -> QuerySet[JobPosting]:
    return (
        _postings(agency)
        .annotate(
            candidates=Count("interests", filter=~Q(interests__status=InterestStatus.WITHDRAWN))
        )
        .order_by("-created_at", "-id")
    )


@dataclass
class MatchedPosting:
    posting: JobPosting
    score: int
    reasons: list[Any] = field(default_factory=list)


def _occupation_points(client_code: str, posting_code: str) -> int:
    if not client_code or not posting_code:
        return 0
    for length, points in ((5, 4), (3, 3), (2, 2), (1, 1)):
        if client_code[:length] == posting_code[:length]:
            return points
    return 0


def _clb(levels: dict[str, int | None], language: str) -> int:
    return levels.get(language) or 0


def posting_match(
    *, posting: JobPosting, client: Client, levels: dict[str, int | None], mode: str
) -> MatchedPosting | None:
    """How well an open posting fits the client's profile, or None when it does not.

    Hard rules: same broad occupational category (first NOC digit) and the posting's CLB
    minimums met. Points: occupation (4 same unit group … 1 same category), remote or hybrid
    work for a client whose recommended mode is online or hybrid, on-site work for a client who
    lives in a city."""
    points = _occupation_points(client.noc_code, posting.noc_code)
    if not points:
        return None
    if posting.min_clb_english and _clb(levels, "en") < posting.min_clb_english:
        return None
    if posting.min_clb_french and _clb(levels, "fr") < posting.min_clb_french:
        return None
    reasons: list[Any] = [
        {4: _("Your occupation"), 3: _("A close occupation"), 2: _("A related occupation")}.get(
            points, _("Your field")
        )
    ]
    if posting.min_clb_english or posting.min_clb_french:
        reasons.append(_("Your language levels meet the requirement"))
    if posting.work_mode in (WorkMode.REMOTE, WorkMode.HYBRID) and mode in ("online", "hybrid"):
        points += 1
        reasons.append(_("Can be done from home"))
    elif posting.work_mode == WorkMode.ON_SITE and client.location_type == "urban":
        points += 1
        reasons.append(_("In a city, like where you live"))
    return MatchedPosting(posting=posting, score=points, reasons=reasons)


def client_language_levels(*, client: Client) -> dict[str, int | None]:
    return dict(ClientLanguage.objects.filter(client=client).values_list("language", "clb_level"))


def client_mode(*, client: Client) -> str:
    assessment = client.latest_assessment
    return assessment.recommended_mode if assessment is not None else ""


def postings_matched_for_client(
    *, client: Client, today: date | None = None, limit: int | None = None
) -> list[MatchedPosting]:
    """Open postings that fit the client's profile (NOC, languages, location type, mode),
    best first. For the client's page and the assistant ("jobs in my field?")."""
    levels = client_language_levels(client=client)
    mode = client_mode(client=client)
    found = []
    for posting in job_postings_open(agency=client.agency, today=today):
        match = posting_match(posting=posting, client=client, levels=levels, mode=mode)
        if match is not None:
            found.append(match)
    found.sort(key=lambda m: (-m.score, m.posting.closing_date, m.posting.pk))
    return found[:limit] if limit is not None else found


# ---------------------------------------------------------------------------------------------
# Interests and what an employer may see of a candidate


def job_interests_of_client(*, client: Client) -> QuerySet[JobInterest]:
    return (
        JobInterest.objects.filter(client=client)
        .select_related("posting__employer")
        .order_by("-created_at")
    )


def job_interest_get_for_client(*, client: Client, job_interest_id: int) -> JobInterest:
    return get_object_or_404(job_interests_of_client(client=client), pk=job_interest_id)


def shortlist_for_posting(*, posting: JobPosting) -> QuerySet[JobInterest]:
    """Candidates who chose to share with this posting's employer (withdrawn ones never)."""
    return (
        JobInterest.objects.filter(posting=posting)
        .exclude(status=InterestStatus.WITHDRAWN)
        .select_related("client", "client__latest_assessment")
        .prefetch_related(
            Prefetch("client__languages", queryset=ClientLanguage.objects.order_by("id"))
        )
        .order_by("created_at", "id")
    )


def job_interest_get_for_employer(*, employer: Employer, job_interest_id: int) -> JobInterest:
    return get_object_or_404(
        JobInterest.objects.filter(agency_id=employer.agency_id, posting__employer=employer)
        .exclude(status=InterestStatus.WITHDRAWN)
        .select_related("posting__employer", "client"),
        pk=job_interest_id,
    )


def job_interest_get_for_agency(*, agency: Agency, job_interest_id: int) -> JobInterest:
    return get_object_or_404(
        JobInterest.objects.filter(agency=agency).select_related("posting__employer", "client"),
        pk=job_interest_id,
    )


def shared_profile(*, client: Client, fields: list[str], language: str) -> list[tuple[Any, str]]:
    """(label, value) rows of only the fields the client chose to share."""
    rows: list[tuple[Any, str]] = []
    chosen = set(fields)
    if ShareableField.NAME in chosen:
        rows.append((_("Name"), f"{client.first_name} {client.last_name}"))
    if ShareableField.EMAIL in chosen and client.email:
        rows.append((_("Email"), client.email))
    if ShareableField.PHONE in chosen and client.phone:
        rows.append((_("Phone"), client.phone))
    if ShareableField.OCCUPATION in chosen:
        title = occupation_title(client.noc_code, language) or client.noc_code
        years = client.years_experience
        value = f"{title} ({client.noc_code})" if client.noc_code else "—"
        if years is not None:
            value += " · " + str(_("%(years)d years of experience") % {"years": years})
        rows.append((_("Occupation"), value))
    if ShareableField.EDUCATION in chosen and client.education_level:
        rows.append((_("Education"), str(client.get_education_level_display())))
    if ShareableField.LANGUAGES in chosen:
        spoken = [
            f"{entry.language.upper()} CLB {entry.clb_level}"
            if entry.clb_level
            else f"{entry.language.upper()} ({entry.get_proficiency_display()})"
            for entry in client.languages.all()
        ]
        rows.append((_("Languages"), ", ".join(spoken) or "—"))
    if ShareableField.GOAL in chosen and client.employment_goal:
        rows.append((_("Employment goal"), client.employment_goal))
    return rows


# ---------------------------------------------------------------------------------------------
# Hiring events


def _events(agency: Agency) -> QuerySet[HiringEvent]:
    return HiringEvent.objects.filter(agency=agency).select_related(
        "session", "session__location", "session__element"
    )


def hiring_events_upcoming(*, agency: Agency, now: datetime | None = None) -> QuerySet[HiringEvent]:
    """Scheduled hiring events that have not started, soonest first, with their employers.
    For the public list, the client's page and the assistant ("any hiring events?")."""
    now = now or timezone.now()
    return (
        _events(agency)
        .filter(session__status=SessionStatus.SCHEDULED, session__starts_at__gt=now)
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=EventEmployer.objects.select_related("employer").order_by(
                    "employer__name"
                ),
            )
        )
        .order_by("session__starts_at", "id")
    )


def hiring_events_for_staff(*, agency: Agency) -> QuerySet[HiringEvent]:
    return (
        _events(agency)
        .annotate(employer_count=Count("participants"))
        .order_by("-session__starts_at")
    )


def hiring_event_get(*, agency: Agency, hiring_event_id: int) -> HiringEvent:
    return get_object_or_404(_events(agency), pk=hiring_event_id)


def hiring_event_get_public(*, agency: Agency, hiring_event_id: int) -> HiringEvent:
    return get_object_or_404(
        _events(agency).exclude(session__status=SessionStatus.CANCELLED), pk=hiring_event_id
    )


def event_participants(*, event: HiringEvent) -> list[EventEmployer]:
    """Employers of the event with their slots, each slot annotated with `booked`."""
    slots = TimeSlot.objects.filter(participant__event=event).annotate(
        booked=Count("bookings", filter=Q(bookings__cancelled_at__isnull=True))
    )
    return list(
        EventEmployer.objects.filter(event=event)
        .select_related("employer")
        .prefetch_related(Prefetch("slots", queryset=slots.order_by("starts_at")))
        .order_by("employer__name")
    )


def time_slot_get(*, agency: Agency, time_slot_id: int) -> TimeSlot:
    return get_object_or_404(
        TimeSlot.objects.filter(agency=agency).select_related(
            "participant__event__session", "participant__employer"
        ),
        pk=time_slot_id,
    )


def event_employer_get(*, agency: Agency, event_employer_id: int) -> EventEmployer:
    return get_object_or_404(
        EventEmployer.objects.filter(agency=agency).select_related("event__session", "employer"),
        pk=event_employer_id,
    )


def slot_bookings_of_client(
    *, client: Client, event: HiringEvent | None = None
) -> QuerySet[SlotBooking]:
    bookings = SlotBooking.objects.filter(client=client, cancelled_at__isnull=True).select_related(
        "slot__participant__employer", "slot__participant__event__session"
    )
    if event is not None:
        bookings = bookings.filter(slot__participant__event=event)
    return bookings.order_by("slot__starts_at")


def slot_booking_get_for_client(*, client: Client, slot_booking_id: int) -> SlotBooking:
    return get_object_or_404(slot_bookings_of_client(client=client), pk=slot_booking_id)


def registration_for_event(*, event: HiringEvent, client: Client) -> Registration | None:
    return (
        Registration.objects.filter(session=event.session, client=client)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )


def clients_to_invite(*, event: HiringEvent, limit: int = 500) -> list[Client]:
    """Clients who agreed to share their profile with employers and have not registered."""
    registered = Registration.objects.filter(session=event.session).exclude(
        status=RegistrationStatus.CANCELLED
    )
    candidates = (
        Client.objects.filter(agency_id=event.agency_id)
        .exclude(pk__in=registered.values("client_id"))
        .order_by("id")[:limit]
    )
    return [
        client
        for client in candidates
        if consent_allows(client=client, purpose=ConsentPurpose.SHARE_WITH_EMPLOYERS)
    ]


def hiring_events_for_employer(*, employer: Employer) -> QuerySet[HiringEvent]:
    return (
        HiringEvent.objects.filter(agency_id=employer.agency_id, participants__employer=employer)
        .select_related("session")
        .order_by("-session__starts_at")
    )


def hiring_event_get_for_employer(*, employer: Employer, hiring_event_id: int) -> HiringEvent:
    return get_object_or_404(hiring_events_for_employer(employer=employer), pk=hiring_event_id)


@dataclass
class EventCandidate:
    booking: SlotBooking
    attended: bool


def event_candidates_for_employer(
    *, employer: Employer, event: HiringEvent
) -> tuple[list[EventCandidate], int]:
    """The employer's bookings at the event from clients who agreed to share their profile,
    with their attendance; plus how many others booked without sharing (a count only)."""
    bookings = list(
        SlotBooking.objects.filter(
            agency_id=employer.agency_id,
            slot__participant__event=event,
            slot__participant__employer=employer,
            cancelled_at__isnull=True,
        )
        .select_related("slot", "client")
        .order_by("slot__starts_at", "id")
    )
    shared = [b for b in bookings if b.share_profile]
    attended = set(
        Registration.objects.filter(
            session=event.session,
            client_id__in=[b.client_id for b in shared],
            attendance="attended",
        ).values_list("client_id", flat=True)
    )
    return (
        [EventCandidate(booking=b, attended=b.client_id in attended) for b in shared],
        len(bookings) - len(shared),
    )


def event_registrants_sharing(*, event: HiringEvent, limit: int = 500) -> list[Registration]:
    """Confirmed registrations of the event's clients who agreed to share their profile with
    employers (the clients app's consent), with their attendance — what every participating
    employer may see. Others are never listed."""
    registrations = (
        Registration.objects.filter(session=event.session, status=RegistrationStatus.CONFIRMED)
        .select_related("client")
        .order_by("client__last_name", "client__first_name", "id")[:limit]
    )
    return [
        registration
        for registration in registrations
        if consent_allows(client=registration.client, purpose=ConsentPurpose.SHARE_WITH_EMPLOYERS)
    ]


# ---------------------------------------------------------------------------------------------
# Mentoring


def mentors_for_agency(*, agency: Agency) -> QuerySet[MentorProfile]:
    return (
        MentorProfile.objects.filter(agency=agency)
        .select_related("employer")
        .annotate(active=Count("matches", filter=Q(matches__status=MatchStatus.ACTIVE)))
    )


def mentee_requests_open(*, agency: Agency) -> QuerySet[MenteeRequest]:
    return (
        MenteeRequest.objects.filter(agency=agency, status=MenteeRequestStatus.OPEN)
        .select_related("client")
        .order_by("created_at")
    )


def mentoring_matches(*, agency: Agency, status: str) -> QuerySet[MentoringMatch]:
    return (
        MentoringMatch.objects.filter(agency=agency, status=status)
        .select_related("mentor", "client", "request")
        .annotate(minutes=Sum("meetings__duration_minutes"))
        .order_by("-score", "id")
    )


def mentoring_match_get(*, agency: Agency, mentoring_match_id: int) -> MentoringMatch:
    return get_object_or_404(
        MentoringMatch.objects.filter(agency=agency).select_related("mentor", "client", "request"),
        pk=mentoring_match_id,
    )


def mentoring_match_get_for_client(*, client: Client, mentoring_match_id: int) -> MentoringMatch:
    return get_object_or_404(
        MentoringMatch.objects.filter(
            client=client, status__in=[MatchStatus.ACTIVE, MatchStatus.ENDED]
        ).select_related("mentor"),
        pk=mentoring_match_id,
    )


def mentoring_of_client(*, client: Client) -> dict[str, Any]:
    return {
        "mentee_request": MenteeRequest.objects.filter(client=client)
        .exclude(status=MenteeRequestStatus.CLOSED)
        .first(),
        "matches": list(
            MentoringMatch.objects.filter(
                client=client, status__in=[MatchStatus.ACTIVE, MatchStatus.ENDED]
            )
            .select_related("mentor")
            .annotate(minutes=Sum("meetings__duration_minutes"))
        ),
    }


def mentoring_meetings(*, match: MentoringMatch) -> QuerySet[MentoringMeeting]:
    return MentoringMeeting.objects.filter(match=match).order_by("-met_on", "-id")


def _hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.01"))


def mentoring_hours_for_client(
    *, client: Client, start: date | None = None, end: date | None = None
) -> Decimal:
    """Hours of logged mentoring meetings of the client (between start and end, inclusive)."""
    meetings = MentoringMeeting.objects.filter(match__client=client)
    if start:
        meetings = meetings.filter(met_on__gte=start)
    if end:
        meetings = meetings.filter(met_on__lte=end)
    return _hours(meetings.aggregate(total=Sum("duration_minutes"))["total"])


def mentoring_hours_by_client(
    *, agency: Agency, start: date | None = None, end: date | None = None
) -> dict[int, Decimal]:
    """{client id: hours of mentoring} for the funder export's long-term intervention."""
    meetings = MentoringMeeting.objects.filter(agency=agency)
    if start:
        meetings = meetings.filter(met_on__gte=start)
    if end:
        meetings = meetings.filter(met_on__lte=end)
    rows = meetings.values("match__client_id").annotate(total=Sum("duration_minutes"))
    return {row["match__client_id"]: _hours(row["total"]) for row in rows}


# ---------------------------------------------------------------------------------------------
# A mentor who signs in (linked to an employer contact): only their own mentees


def mentor_of_user(*, agency: Agency, user: User | AnonymousUser) -> MentorProfile | None:
    if not user.is_authenticated:
        return None
    return MentorProfile.objects.filter(
        agency=agency, contact__user=user, contact__agency=agency
    ).first()


def mentees_of_mentor(*, mentor: MentorProfile) -> QuerySet[MentoringMatch]:
    """The mentor's approved pairs (under way or ended); proposals are staff business."""
    return (
        MentoringMatch.objects.filter(
            agency_id=mentor.agency_id,
            mentor=mentor,
            status__in=[MatchStatus.ACTIVE, MatchStatus.ENDED],
        )
        .select_related("client", "request")
        .order_by("status", "-started_on", "id")
    )


def mentoring_match_get_for_mentor(
    *, mentor: MentorProfile, mentoring_match_id: int
) -> MentoringMatch:
    return get_object_or_404(mentees_of_mentor(mentor=mentor), pk=mentoring_match_id)


def mentee_as_seen_by_mentor(*, match: MentoringMatch, language: str) -> list[tuple[Any, str]]:
    """What a mentor sees of a mentee: the first name, the request (occupation, languages,
    ways of meeting, availability, notes) and only the profile parts the mentee chose to
    share with their mentor."""
    request = match.request
    client = match.client
    rows: list[tuple[Any, str]] = [(_("First name"), client.first_name)]
    title = occupation_title(request.noc_code, language)
    rows.append(
        (_("Occupation sought"), f"{title} ({request.noc_code})" if title else request.noc_code)
    )
    rows.append((_("Languages"), ", ".join(code.upper() for code in request.languages) or "—"))
    if request.notes:
        rows.append((_("What they hope to get from a mentor"), request.notes))
    fields = [name for name in request.shared_fields if name != ShareableField.NAME]
    if ShareableField.NAME in request.shared_fields:
        rows[0] = (_("Name"), f"{client.first_name} {client.last_name}")
    return rows + shared_profile(client=client, fields=fields, language=language)
