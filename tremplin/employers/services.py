"""Every write about employers, job postings, interests, hiring events and mentoring.

Slot booking is the concurrency-sensitive write: like session seats in programs, the slot row
is locked (`SELECT … FOR UPDATE`) before its bookings are counted, so a rush of requests for
one slot runs one after the other on PostgreSQL (on SQLite the IMMEDIATE transaction holds the
write lock). A partial unique constraint also refuses a second active booking of one client.
"""

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency
from tremplin.agencies.roles import Role
from tremplin.agencies.services import membership_grant
from tremplin.audit.services import audit_log
from tremplin.clients.models import Client
from tremplin.core.services import Actor, Refused
from tremplin.employers import matching
from tremplin.employers.models import (
    Employer,
    EmployerContact,
    EventEmployer,
    FeedbackSide,
    HiringEvent,
    InterestStatus,
    JobInterest,
    JobPosting,
    MatchStatus,
    MenteeRequest,
    MenteeRequestStatus,
    MentoringFeedback,
    MentoringMatch,
    MentoringMeeting,
    MentorProfile,
    PostingStatus,
    ShareableField,
    SlotBooking,
    TimeSlot,
    WageUnit,
)
from tremplin.messaging.services import notify
from tremplin.outcomes.services import outcome_record
from tremplin.programs.models import Registration, RegistrationStatus, Session, SessionStatus

# Lock the slot row before counting its bookings. Only the concurrency test's control run
# turns this off, to prove that the test would catch a missing lock.
_LOCK_SLOT_ROWS = True

MAX_SLOTS_PER_EMPLOYER = 60


class EmployersError(Refused):
    """A refused action of this app (see tremplin.core.services.Refused)."""


def _person(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _local_today(agency: Agency) -> date:
    return timezone.localdate(timezone=_zone(agency))


def _zone(agency: Agency) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(agency.time_zone)


# ---------------------------------------------------------------------------------------------
# Employers and their contacts

EMPLOYER_FIELDS = (
    "name",
    "sector",
    "size_band",
    "locations",
    "website",
    "description",
)


@transaction.atomic
def employer_create(*, agency: Agency, actor: Actor, **fields: Any) -> Employer:
    employer = Employer(agency=agency)
    for name in EMPLOYER_FIELDS:
        if name in fields:
            setattr(employer, name, fields[name])
    employer.full_clean(exclude=["agency"])
    employer.save()
    audit_log(agency=agency, actor=actor, action="employer.create", obj=employer)
    return employer


@transaction.atomic
def employer_update(*, employer: Employer, actor: Actor, **fields: Any) -> Employer:
    changed = [name for name in EMPLOYER_FIELDS if name in fields]
    for name in changed:
        setattr(employer, name, fields[name])
    employer.full_clean(exclude=["agency"])
    employer.save()
    audit_log(
        agency=employer.agency,
        actor=actor,
        action="employer.update",
        obj=employer,
        detail={"fields": changed},
    )
    return employer


@transaction.atomic
def employer_network_share(
    *, employer: Employer, actor: Actor, consent_by: str, consent_at: datetime | None = None
) -> Employer:
    """Share the employer with the other agencies of the network, recording who at the
    employer agreed and when. Their staff then see it read-only and may invite it to their
    hiring events or post jobs for it; agencies of other networks never see it."""
    consent_by = consent_by.strip()
    if not consent_by:
        raise ValidationError(
            {"consent_by": _("Name the person at the employer who agreed to be shared.")}
        )
    employer.shared_with_network = True
    employer.network_consent_by = consent_by[:200]
    employer.network_consent_at = consent_at or timezone.now()
    employer.network_consent_recorded_by = _person(actor)
    employer.save(
        update_fields=[
            "shared_with_network",
            "network_consent_by",
            "network_consent_at",
            "network_consent_recorded_by",
        ]
    )
    audit_log(
        agency=employer.agency,
        actor=actor,
        action="employer.network_share",
        obj=employer,
        detail={"consent_by": employer.network_consent_by},
    )
    return employer


@transaction.atomic
def employer_network_unshare(*, employer: Employer, actor: Actor) -> Employer:
    """The employer withdrew its agreement: other agencies no longer see it. Their existing
    postings and event places stay theirs (they were made while the consent held)."""
    employer.shared_with_network = False
    employer.save(update_fields=["shared_with_network"])
    audit_log(agency=employer.agency, actor=actor, action="employer.network_unshare", obj=employer)
    return employer


def _usable_by(employer: Employer, agency: Agency) -> bool:
    """The agency's own employer, or one shared with consent by an agency of its network."""
    if employer.agency_id == agency.pk:
        return True
    return employer.shared_with_network and employer.agency.network_id == agency.network_id


@transaction.atomic
def employer_contact_add(
    *,
    employer: Employer,
    actor: Actor,
    email: str,
    first_name: str,
    last_name: str,
    job_title: str = "",
    language: str = "en",
) -> EmployerContact:
    """Give a person (found or created by email) the employer role for this organisation.

    A new person sets a password with "forgot password" on the sign-in page.
    """
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, first_name=first_name, last_name=last_name, language=language
        )
    agency = employer.agency
    existing = EmployerContact.objects.filter(agency=agency, user=user).first()
    if existing is not None:
        if existing.employer_id == employer.pk:
            return existing
        raise ValidationError(
            {"email": _("This person already acts for another employer of the agency.")}
        )
    membership_grant(agency=agency, user=user, role=Role.EMPLOYER, actor=_person(actor))
    contact = EmployerContact.objects.create(
        agency=agency, employer=employer, user=user, job_title=job_title
    )
    audit_log(
        agency=agency,
        actor=actor,
        action="employer_contact.add",
        obj=contact,
        detail={"employer": employer.pk},
    )
    return contact


# ---------------------------------------------------------------------------------------------
# Job postings

POSTING_FIELDS = (
    "title",
    "description",
    "noc_code",
    "city",
    "province",
    "work_mode",
    "employment_type",
    "hours_per_week",
    "wage_min",
    "wage_max",
    "wage_unit",
    "min_clb_english",
    "min_clb_french",
    "closing_date",
)
NOC_CODE = re.compile(r"^\d{5}$")


def _check_posting(posting: JobPosting, *, today: date) -> None:
    errors: dict[str, Any] = {}
    if not NOC_CODE.match(posting.noc_code or ""):
        errors["noc_code"] = _("Enter a NOC 2021 code of five digits.")
    if posting.closing_date and posting.closing_date < today:
        errors["closing_date"] = _("The closing date cannot be in the past.")
    if (
        posting.wage_min is not None
        and posting.wage_max is not None
        and posting.wage_max < posting.wage_min
    ):
        errors["wage_max"] = _("The maximum wage must not be lower than the minimum.")
    if not str(posting.title).strip():
        errors["title"] = _("Give the job a title.")
    if errors:
        raise ValidationError(errors)


def _posting_publish_state(posting: JobPosting, publish: bool) -> None:
    if publish and posting.status != PostingStatus.PUBLISHED:
        posting.status = PostingStatus.PUBLISHED
        posting.published_at = timezone.now()
    elif not publish and posting.status == PostingStatus.PUBLISHED:
        posting.status = PostingStatus.DRAFT


@transaction.atomic
def job_posting_create(
    *,
    employer: Employer,
    actor: Actor,
    publish: bool = True,
    agency: Agency | None = None,
    **fields: Any,
) -> JobPosting:
    """A posting of `agency` (by default the employer's own) for the employer; another
    agency of the network may post for an employer shared with it (the posting, its
    candidates and its shortlist stay that agency's)."""
    agency = agency or employer.agency
    if not _usable_by(employer, agency):
        raise ValueError("The employer is not shared with this agency.")
    posting = JobPosting(agency=agency, employer=employer, created_by=_person(actor))
    for name in POSTING_FIELDS:
        if name in fields:
            setattr(posting, name, fields[name])
    _check_posting(posting, today=_local_today(agency))
    _posting_publish_state(posting, publish)
    posting.save()
    audit_log(
        agency=agency,
        actor=actor,
        action="job_posting.create",
        obj=posting,
        detail={"employer": employer.pk, "status": posting.status},
    )
    return posting


@transaction.atomic
def job_posting_update(
    *, posting: JobPosting, actor: Actor, publish: bool = True, **fields: Any
) -> JobPosting:
    changed = [name for name in POSTING_FIELDS if name in fields]
    for name in changed:
        setattr(posting, name, fields[name])
    _check_posting(posting, today=_local_today(posting.agency))
    _posting_publish_state(posting, publish)
    posting.save()
    audit_log(
        agency=posting.agency,
        actor=actor,
        action="job_posting.update",
        obj=posting,
        detail={"fields": changed, "status": posting.status},
    )
    return posting


@transaction.atomic
def job_posting_close(*, posting: JobPosting, actor: Actor) -> JobPosting:
    posting.status = PostingStatus.CLOSED
    posting.save(update_fields=["status", "updated_at"])
    audit_log(agency=posting.agency, actor=actor, action="job_posting.close", obj=posting)
    return posting


@transaction.atomic
def job_postings_close_expired(*, agency: Agency, today: date | None = None) -> int:
    """Unpublish the agency's postings whose closing date has passed (a daily task runs it;
    the selectors already hide them from the day after the closing date)."""
    today = today or _local_today(agency)
    expired = list(
        JobPosting.objects.with_scope(agency=agency.pk)  # type: ignore[attr-defined]
        .filter(agency=agency, status=PostingStatus.PUBLISHED, closing_date__lt=today)
        .values_list("pk", flat=True)
    )
    if expired:
        JobPosting.objects.with_scope(agency=agency.pk).filter(pk__in=expired).update(  # type: ignore[attr-defined]
            status=PostingStatus.CLOSED
        )
        for pk in expired:
            audit_log(
                agency=agency,
                actor=None,
                action="job_posting.expire",
                obj=JobPosting(pk=pk),
            )
    return len(expired)


# ---------------------------------------------------------------------------------------------
# Interests: a client shares a chosen part of their profile with one employer


def _clean_shared(fields: Iterable[str]) -> list[str]:
    chosen = set(fields)
    return [value for value in ShareableField.values if value in chosen]


@transaction.atomic
def job_interest_create(
    *,
    posting: JobPosting,
    client: Client,
    actor: Actor,
    shared_fields: Sequence[str],
    consent: bool,
    message: str = "",
) -> JobInterest:
    """Record the client's interest with their explicit consent to share `shared_fields`."""
    if client.agency_id != posting.agency_id:
        raise ValueError("The client and the posting belong to different agencies.")
    if not posting.is_open_on(_local_today(posting.agency)):
        raise EmployersError("closed", _("This job posting is closed."))
    shared = _clean_shared(shared_fields)
    if not shared:
        raise EmployersError(
            "nothing_shared", _("Choose at least one part of your profile to share.")
        )
    if not consent:
        raise EmployersError(
            "no_consent",
            _("Tick the box to agree that the employer sees what you chose to share."),
        )
    now = timezone.now()
    interest = JobInterest.objects.filter(posting=posting, client=client).first()
    if interest is not None and not interest.is_withdrawn:
        raise EmployersError("duplicate", _("You already told this employer you are interested."))
    if interest is None:
        interest = JobInterest(agency_id=posting.agency_id, posting=posting, client=client)
    interest.shared_fields = shared
    interest.message = message.strip()[:2000]
    interest.consent_given_at = now
    interest.status = InterestStatus.INTERESTED
    interest.status_changed_at = now
    interest.save()
    audit_log(
        agency=posting.agency,
        actor=actor,
        action="job_interest.create",
        obj=interest,
        client_id=client.pk,
        detail={"posting": posting.pk, "shared_fields": shared},
    )
    return interest


@transaction.atomic
def job_interest_withdraw(*, interest: JobInterest, actor: Actor) -> JobInterest:
    """The client withdraws: the employer no longer sees them (consent withdrawn)."""
    interest.status = InterestStatus.WITHDRAWN
    interest.status_changed_at = timezone.now()
    interest.shared_fields = []
    interest.save(update_fields=["status", "status_changed_at", "shared_fields"])
    audit_log(
        agency=interest.posting.agency,
        actor=actor,
        action="job_interest.withdraw",
        obj=interest,
        client_id=interest.client_id,
    )
    return interest


def shortlist_view_log(*, posting: JobPosting, actor: Actor, client_ids: Sequence[int]) -> None:
    """Who looked at which candidates' shared profiles (identifiers only)."""
    if client_ids:
        audit_log(
            agency=posting.agency,
            actor=actor,
            action="job_interest.shortlist_view",
            obj=posting,
            detail={"clients": list(client_ids)},
        )


EMPLOYER_STATUSES = (
    InterestStatus.SHORTLISTED,
    InterestStatus.INTERVIEW,
    InterestStatus.HIRED,
    InterestStatus.NOT_RETAINED,
)


@transaction.atomic
def job_interest_set_status(*, interest: JobInterest, actor: Actor, status: str) -> JobInterest:
    """The employer or staff move a candidate along (shortlisted, interview, hired…).

    A hire is also an employment outcome for the evaluation (see `_record_outcome`)."""
    if status not in EMPLOYER_STATUSES:
        raise EmployersError("bad_status", _("Choose a status from the list."))
    if interest.is_withdrawn:
        raise EmployersError("withdrawn", _("This person has withdrawn their interest."))
    previous = interest.status
    interest.status = status
    interest.status_changed_at = timezone.now()
    interest.save(update_fields=["status", "status_changed_at"])
    audit_log(
        agency=interest.posting.agency,
        actor=actor,
        action="job_interest.status",
        obj=interest,
        client_id=interest.client_id,
        detail={"from": previous, "to": status},
    )
    if status == InterestStatus.HIRED and previous != InterestStatus.HIRED:
        _record_outcome(interest, actor)
    return interest


def _wage_band(posting: JobPosting) -> str:
    if posting.wage_unit != WageUnit.HOUR or posting.wage_min is None:
        return ""
    wage = posting.wage_min
    for limit, band in ((18, "under_18"), (22, "18_22"), (28, "22_28"), (35, "28_35")):
        if wage < limit:
            return band
    return "over_35"


def _record_outcome(interest: JobInterest, actor: Actor) -> None:
    """A hire is an employment outcome of the evaluation (issue 11's outcomes app)."""
    posting = interest.posting
    client = interest.client
    outcome_record(
        agency=posting.agency,
        client=client,
        actor=actor,
        outcome_type="hired",
        source="employer",
        recorded_on=_local_today(posting.agency),
        employer_name=posting.employer.name,
        employer_ref=f"employers.employer:{posting.employer_id}",
        noc_code=posting.noc_code,
        employment_type=posting.employment_type
        if posting.employment_type in ("full_time", "part_time")
        else "",
        hours_per_week=posting.hours_per_week,
        wage_band=_wage_band(posting),
        in_field=bool(client.noc_code) and client.noc_code[:2] == posting.noc_code[:2],
        notes=f"employers.job_posting:{posting.pk}",
    )


# ---------------------------------------------------------------------------------------------
# Hiring events


@transaction.atomic
def hiring_event_create(
    *, session: Session, actor: Actor, notes_for_employers: str = ""
) -> HiringEvent:
    if HiringEvent.objects.filter(session=session).exists():
        raise ValidationError({"session": _("This session is already a hiring event.")})
    event = HiringEvent.objects.create(
        agency_id=session.agency_id, session=session, notes_for_employers=notes_for_employers
    )
    audit_log(
        agency=session.agency,
        actor=actor,
        action="hiring_event.create",
        obj=event,
        detail={"session": session.pk},
    )
    return event


@transaction.atomic
def hiring_event_add_employer(
    *,
    event: HiringEvent,
    employer: Employer,
    actor: Actor,
    table: str = "",
    breakout_url: str = "",
) -> EventEmployer:
    if not _usable_by(employer, event.session.agency):
        raise ValueError("The employer is not shared with the event's agency.")
    session = event.session
    if session.offers_online and not session.offers_in_person and not breakout_url:
        raise ValidationError(
            {"breakout_url": _("An online event needs a breakout room link for each employer.")}
        )
    participant, created = EventEmployer.objects.get_or_create(
        agency_id=event.agency_id,
        event=event,
        employer=employer,
        defaults={"table": table, "breakout_url": breakout_url},
    )
    if not created:
        participant.table, participant.breakout_url = table, breakout_url
        participant.save(update_fields=["table", "breakout_url"])
    audit_log(
        agency=event.session.agency,
        actor=actor,
        action="hiring_event.add_employer",
        obj=participant,
        detail={"event": event.pk, "employer": employer.pk},
    )
    return participant


@transaction.atomic
def time_slots_generate(
    *,
    participant: EventEmployer,
    actor: Actor,
    start: datetime,
    end: datetime,
    minutes: int,
    capacity: int = 1,
) -> list[TimeSlot]:
    """Cut [start, end) into slots of `minutes` for one employer; existing starts are kept."""
    session = participant.event.session
    if minutes < 5 or capacity < 1:
        raise ValidationError(_("Slots last at least 5 minutes and take at least one person."))
    if start < session.starts_at or end > session.ends_at or end <= start:
        raise ValidationError(_("Slots must fall within the event's start and end."))
    starts = []
    moment = start
    while moment + timedelta(minutes=minutes) <= end:
        starts.append(moment)
        moment += timedelta(minutes=minutes)
    if len(starts) > MAX_SLOTS_PER_EMPLOYER:
        raise ValidationError(_("That makes too many slots; make them longer."))
    existing = set(
        TimeSlot.objects.filter(participant=participant).values_list("starts_at", flat=True)
    )
    created = TimeSlot.objects.bulk_create(
        TimeSlot(
            agency_id=participant.agency_id,
            participant=participant,
            starts_at=moment,
            ends_at=moment + timedelta(minutes=minutes),
            capacity=capacity,
        )
        for moment in starts
        if moment not in existing
    )
    audit_log(
        agency=session.agency,
        actor=actor,
        action="time_slots.generate",
        obj=participant,
        detail={"created": len(created), "minutes": minutes},
    )
    return created


def _lock_slot(slot: TimeSlot) -> TimeSlot:
    slots = TimeSlot.objects.with_scope(agency=slot.agency_id).select_related(  # type: ignore[attr-defined]
        "participant__event__session__agency", "participant__employer"
    )
    if _LOCK_SLOT_ROWS:
        slots = slots.select_for_update(of=("self",))
    return slots.get(pk=slot.pk)


def _active_bookings(slot: TimeSlot) -> int:
    return SlotBooking.objects.filter(slot=slot, cancelled_at__isnull=True).count()


@transaction.atomic
def slot_book(*, slot: TimeSlot, client: Client, actor: Actor, share_profile: bool) -> SlotBooking:
    """Book a time slot with an employer at a hiring event the client is registered for.

    Raises EmployersError (code ∈ not_registered, past, taken, duplicate, overlap)."""
    if client.agency_id != slot.agency_id:
        raise ValueError("The client and the slot belong to different agencies.")
    locked = _lock_slot(slot)
    session = locked.participant.event.session
    if session.status != SessionStatus.SCHEDULED or locked.starts_at <= timezone.now():
        raise EmployersError("past", _("This time slot has passed."))
    registered = Registration.objects.filter(
        session=session, client=client, status=RegistrationStatus.CONFIRMED
    ).exists()
    if not registered:
        raise EmployersError(
            "not_registered",
            _("Register for the hiring event first; then book a time with an employer."),
        )
    mine = SlotBooking.objects.filter(
        client=client,
        cancelled_at__isnull=True,
        slot__participant__event=locked.participant.event,
    ).select_related("slot")
    for booking in mine:
        if booking.slot.participant_id == locked.participant_id:
            raise EmployersError(
                "duplicate", _("You already have a time with this employer at this event.")
            )
        if booking.slot.starts_at < locked.ends_at and locked.starts_at < booking.slot.ends_at:
            raise EmployersError("overlap", _("You already have another employer at that time."))
    if _active_bookings(locked) >= locked.capacity:
        raise EmployersError("taken", _("This time slot was just taken. Choose another one."))
    booking = SlotBooking.objects.create(
        agency_id=locked.agency_id, slot=locked, client=client, share_profile=share_profile
    )
    audit_log(
        agency=session.agency,
        actor=actor,
        action="slot_booking.create",
        obj=booking,
        client_id=client.pk,
        detail={"slot": locked.pk, "share_profile": share_profile},
    )
    return booking


@transaction.atomic
def slot_booking_cancel(*, booking: SlotBooking, actor: Actor) -> SlotBooking:
    if booking.cancelled_at is None:
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["cancelled_at"])
        audit_log(
            agency=booking.slot.participant.event.session.agency,
            actor=actor,
            action="slot_booking.cancel",
            obj=booking,
            client_id=booking.client_id,
        )
    return booking


def hiring_event_invite(*, event: HiringEvent, clients: Iterable[Client], actor: Actor) -> int:
    """Invite clients to a hiring event through messaging (`hiring_event_invitation`), once
    per client and event. Returns how many clients were handed to messaging."""
    session = event.session
    sent = 0
    for client in clients:
        notify(
            message_type="hiring_event_invitation",
            client=client,
            context={
                "event": str(session.title),
                "session": str(session.title),
                "when": session.starts_at,
            },
            ref=f"employers.hiring_event:{event.pk}",
            dedupe_key=f"hiring_event_invitation:{event.pk}:{client.pk}",
            actor=_person(actor),
        )
        sent += 1
    audit_log(
        agency=session.agency,
        actor=actor,
        action="hiring_event.invite",
        obj=event,
        detail={"count": sent},
    )
    return sent


# ---------------------------------------------------------------------------------------------
# Mentoring

MENTOR_FIELDS = (
    "employer",
    "first_name",
    "last_name",
    "email",
    "noc_code",
    "sector",
    "languages",
    "modes",
    "location_type",
    "availability",
    "capacity",
    "is_active",
    "contact",
)


def _check_mentor_login(mentor: MentorProfile, contact: EmployerContact) -> None:
    if contact.agency_id != mentor.agency_id:
        raise ValueError("The contact belongs to another agency.")
    if mentor.employer_id is not None and contact.employer_id != mentor.employer_id:
        raise ValidationError(
            {"contact": _("This login belongs to a contact of another employer than the mentor's.")}
        )


@transaction.atomic
def mentor_create(*, agency: Agency, actor: Actor, **fields: Any) -> MentorProfile:
    mentor = MentorProfile(agency=agency)
    for name in MENTOR_FIELDS:
        if name in fields:
            setattr(mentor, name, fields[name])
    if not NOC_CODE.match(mentor.noc_code or ""):
        raise ValidationError({"noc_code": _("Enter a NOC 2021 code of five digits.")})
    if mentor.employer is not None and mentor.employer.agency_id != agency.pk:
        raise ValueError("The employer belongs to another agency.")
    if mentor.contact is not None:
        _check_mentor_login(mentor, mentor.contact)
    mentor.save()
    audit_log(agency=agency, actor=actor, action="mentor.create", obj=mentor)
    return mentor


@transaction.atomic
def mentor_link_contact(
    *, mentor: MentorProfile, contact: EmployerContact, actor: Actor
) -> MentorProfile:
    """Let the mentor sign in with this employer contact's login (their own mentees only)."""
    _check_mentor_login(mentor, contact)
    taken = MentorProfile.objects.filter(contact=contact).exclude(pk=mentor.pk).exists()
    if taken:
        raise ValidationError({"contact": _("This login already belongs to another mentor.")})
    mentor.contact = contact
    mentor.save(update_fields=["contact"])
    audit_log(
        agency=mentor.agency,
        actor=actor,
        action="mentor.link_contact",
        obj=mentor,
        detail={"contact": contact.pk},
    )
    return mentor


@transaction.atomic
def mentee_request_create(
    *,
    client: Client,
    actor: Actor,
    noc_code: str,
    languages: Sequence[str],
    modes: Sequence[str],
    availability: Sequence[str] = (),
    location_type: str = "",
    notes: str = "",
    shared_fields: Sequence[str] = (),
) -> MenteeRequest:
    if (
        MenteeRequest.objects.filter(client=client)
        .exclude(status=MenteeRequestStatus.CLOSED)
        .exists()
    ):
        raise EmployersError("duplicate", _("You already asked for a mentor."))
    if not NOC_CODE.match(noc_code or ""):
        raise ValidationError({"noc_code": _("Enter a NOC 2021 code of five digits.")})
    if not languages or not modes:
        raise ValidationError(_("Choose at least one language and one way of meeting."))
    request = MenteeRequest.objects.create(
        agency_id=client.agency_id,
        client=client,
        noc_code=noc_code,
        languages=list(languages),
        modes=list(modes),
        availability=list(availability),
        location_type=location_type or client.location_type,
        notes=notes.strip(),
        shared_fields=_clean_shared(shared_fields),
    )
    audit_log(
        agency=client.agency,
        actor=actor,
        action="mentee_request.create",
        obj=request,
        client_id=client.pk,
    )
    return request


def _as_person(row: MentorProfile | MenteeRequest, *, capacity: int = 1) -> matching.Person:
    return matching.Person(
        key=row.pk,
        noc_code=row.noc_code,
        languages=frozenset(row.languages),
        modes=frozenset(row.modes),
        location_type=row.location_type,
        availability=frozenset(row.availability),
        capacity=capacity,
    )


@transaction.atomic
def mentoring_propose(*, agency: Agency, actor: Actor) -> list[MentoringMatch]:
    """Replace the pending proposals with the optimal assignment of the open requests to the
    mentors' free places. Pairs staff rejected before are not proposed again."""
    MentoringMatch.objects.filter(agency=agency, status=MatchStatus.PROPOSED).delete()
    requests = list(
        MenteeRequest.objects.filter(agency=agency, status=MenteeRequestStatus.OPEN).order_by("id")
    )
    mentors = list(
        MentorProfile.objects.filter(agency=agency, is_active=True)
        .annotate(active=Count("matches", filter=Q(matches__status=MatchStatus.ACTIVE)))
        .order_by("id")
    )
    rejected = set(
        MentoringMatch.objects.filter(agency=agency, status=MatchStatus.REJECTED).values_list(
            "request_id", "mentor_id"
        )
    )
    mentees = [_as_person(request) for request in requests]
    people = [
        _as_person(mentor, capacity=mentor.capacity - mentor.active)  # type: ignore[attr-defined]
        for mentor in mentors
    ]
    by_request = {request.pk: request for request in requests}
    proposals = [
        MentoringMatch(
            agency=agency,
            mentor_id=pair.mentor,
            request_id=pair.mentee,
            client_id=by_request[pair.mentee].client_id,
            score=pair.score,
            reasons=list(pair.reasons),
        )
        for pair in matching.best_pairs(mentees, people, forbidden=rejected)
    ]
    created = MentoringMatch.objects.bulk_create(proposals)
    audit_log(
        agency=agency, actor=actor, action="mentoring.propose", detail={"count": len(created)}
    )
    return created


def _decide(match: MentoringMatch, actor: Actor, status: str) -> None:
    match.status = status
    match.decided_by = _person(actor)
    match.decided_at = timezone.now()


@transaction.atomic
def mentoring_match_approve(*, match: MentoringMatch, actor: Actor) -> MentoringMatch:
    if match.status != MatchStatus.PROPOSED:
        raise EmployersError("not_proposed", _("Only a proposed pair can be approved."))
    mentor = (
        MentorProfile.objects.with_scope(agency=match.agency_id)  # type: ignore[attr-defined]
        .select_for_update()
        .get(pk=match.mentor_id)
    )
    active = MentoringMatch.objects.filter(mentor=mentor, status=MatchStatus.ACTIVE).count()
    if active >= mentor.capacity:
        raise EmployersError("full", _("This mentor has no free place left."))
    request = MenteeRequest.objects.select_for_update().get(pk=match.request_id)
    if request.status != MenteeRequestStatus.OPEN:
        raise EmployersError("matched", _("This person already has a mentor."))
    _decide(match, actor, MatchStatus.ACTIVE)
    match.started_on = _local_today(match.agency)
    match.save()
    request.status = MenteeRequestStatus.MATCHED
    request.save(update_fields=["status"])
    MentoringMatch.objects.filter(request=request, status=MatchStatus.PROPOSED).exclude(
        pk=match.pk
    ).delete()
    audit_log(
        agency=match.agency,
        actor=actor,
        action="mentoring.approve",
        obj=match,
        client_id=match.client_id,
    )
    return match


@transaction.atomic
def mentoring_match_reject(*, match: MentoringMatch, actor: Actor) -> MentoringMatch:
    if match.status != MatchStatus.PROPOSED:
        raise EmployersError("not_proposed", _("Only a proposed pair can be rejected."))
    _decide(match, actor, MatchStatus.REJECTED)
    match.save()
    audit_log(
        agency=match.agency,
        actor=actor,
        action="mentoring.reject",
        obj=match,
        client_id=match.client_id,
    )
    return match


@transaction.atomic
def mentoring_match_end(*, match: MentoringMatch, actor: Actor) -> MentoringMatch:
    if match.status != MatchStatus.ACTIVE:
        raise EmployersError("not_active", _("Only a pair under way can end."))
    match.status = MatchStatus.ENDED
    match.ended_on = _local_today(match.agency)
    match.save(update_fields=["status", "ended_on"])
    MenteeRequest.objects.filter(pk=match.request_id).update(status=MenteeRequestStatus.CLOSED)
    audit_log(
        agency=match.agency,
        actor=actor,
        action="mentoring.end",
        obj=match,
        client_id=match.client_id,
    )
    return match


def _refuse_unless_under_way(match: MentoringMatch) -> None:
    if match.status not in (MatchStatus.ACTIVE, MatchStatus.ENDED):
        raise EmployersError("not_active", _("This pair has not been approved."))


@transaction.atomic
def mentoring_meeting_log(
    *,
    match: MentoringMatch,
    actor: Actor,
    met_on: date,
    mode: str,
    duration_minutes: int,
    notes: str = "",
) -> MentoringMeeting:
    _refuse_unless_under_way(match)
    if met_on > _local_today(match.agency):
        raise ValidationError({"met_on": _("A meeting is logged once it has happened.")})
    meeting = MentoringMeeting(
        agency_id=match.agency_id,
        match=match,
        met_on=met_on,
        mode=mode,
        duration_minutes=duration_minutes,
        notes=notes.strip(),
        logged_by=_person(actor),
    )
    meeting.full_clean(exclude=["agency", "match", "logged_by"])
    meeting.save()
    audit_log(
        agency=match.agency,
        actor=actor,
        action="mentoring.meeting",
        obj=meeting,
        client_id=match.client_id,
        detail={"minutes": duration_minutes},
    )
    return meeting


@transaction.atomic
def mentoring_feedback_give(
    *, match: MentoringMatch, actor: Actor, side: str, rating: int, comment: str = ""
) -> MentoringFeedback:
    _refuse_unless_under_way(match)
    if side not in FeedbackSide.values or not 1 <= rating <= 5:
        raise ValidationError(_("Give a rating from 1 to 5."))
    feedback = MentoringFeedback.objects.create(
        agency_id=match.agency_id,
        match=match,
        side=side,
        rating=rating,
        comment=comment.strip()[:2000],
        given_by=_person(actor),
    )
    audit_log(
        agency=match.agency,
        actor=actor,
        action="mentoring.feedback",
        obj=feedback,
        client_id=match.client_id,
        detail={"side": side},
    )
    return feedback
