"""Reads with rules: what each person may see, with constant query counts for lists."""

from datetime import datetime, timedelta

from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tremplin.agencies.models import Agency, LocationKind
from tremplin.clients.models import ArrivalStatus, Client, ImmigrationCategory, LocationType
from tremplin.programs.models import (
    AttendanceMode,
    CalendarFeed,
    DeliveryMode,
    Program,
    Recording,
    Registration,
    RegistrationStatus,
    ServiceElement,
    Session,
    SessionLanguage,
    SessionStatus,
)
from tremplin.programs.search import query_words

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


# ---------------------------------------------------------------------------------------------
# Eligibility


def eligibility_problem(*, program: Program, client: Client) -> str | Promise | None:
    """Why `client` may not register for `program` (a translated sentence), or None."""
    pre_arrival = client.arrival_status == ArrivalStatus.PRE_ARRIVAL
    if pre_arrival and not program.pre_arrival_allowed:
        return _("This program is for clients who are already in Canada.")
    if program.pre_arrival_only and not pre_arrival:
        return _("This program is only for clients who have not arrived in Canada yet.")
    categories = program.eligible_immigration_categories
    if categories and client.immigration_category not in categories:
        return format_lazy(
            _("This program is open to: {categories}. Ask staff if your profile needs updating."),
            categories=_labels(ImmigrationCategory, categories),
        )
    places = program.eligible_location_types
    if places and client.location_type not in places:
        return format_lazy(
            _("This program is for clients living in these places: {places}."),
            places=_labels(LocationType, places),
        )
    return None


def _labels(choices: type[models.TextChoices], values: list[str]) -> str:
    labels = dict(choices.choices)
    return ", ".join(str(labels.get(value, value)) for value in values)


def client_is_eligible(*, program: Program, client: Client) -> bool:
    return eligibility_problem(program=program, client=client) is None


# ---------------------------------------------------------------------------------------------
# Programs


def _elements_prefetch() -> Prefetch:
    return Prefetch(
        "elements",
        queryset=ServiceElement.objects.with_scopes_disabled().order_by("position", "id"),
    )


def program_list_for_agency(*, agency: Agency, published_only: bool = False) -> QuerySet[Program]:
    programs = (
        Program.objects.with_scope(agency=agency)
        .filter(agency=agency)
        .prefetch_related(_elements_prefetch())
    )
    if published_only:
        programs = programs.filter(is_published=True)
    return programs.order_by("id")


def program_get_for_agency(
    *, agency: Agency, program_id: int, published_only: bool = False
) -> Program:
    program = (
        program_list_for_agency(agency=agency, published_only=published_only)
        .filter(pk=program_id)
        .first()
    )
    if program is None:
        raise Http404
    return program


def program_templates_for_agency(*, agency: Agency) -> QuerySet[Program]:
    """The network's templates, each marked `adopted` if this agency already has a copy."""
    adopted = Program.objects.with_scope(agency=agency).filter(
        agency=agency, template=OuterRef("pk")
    )
    return (
        Program.objects.with_scopes_disabled()
        .filter(agency__isnull=True, network_id=agency.network_id)
        .annotate(adopted=Exists(adopted))
        .prefetch_related(_elements_prefetch())
        .order_by("id")
    )


def program_template_get(*, agency: Agency, program_id: int) -> Program:
    template = program_templates_for_agency(agency=agency).filter(pk=program_id).first()
    if template is None:
        raise Http404
    return template


def service_element_get_for_agency(*, agency: Agency, service_element_id: int) -> ServiceElement:
    element = (
        ServiceElement.objects.with_scope(agency=agency)
        .filter(agency=agency, pk=service_element_id)
        .select_related("program")
        .first()
    )
    if element is None:
        raise Http404
    return element


def service_element_list_for_agency(*, agency: Agency) -> QuerySet[ServiceElement]:
    return (
        ServiceElement.objects.with_scope(agency=agency)
        .filter(agency=agency)
        .select_related("program")
        .order_by("program_id", "position", "id")
    )


# ---------------------------------------------------------------------------------------------
# Sessions


def _seat_counts(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Confirmed and waiting counts per mode (see Session.seats_left).

    Each count is a correlated subquery on the (session, mode, status) index rather than a join
    with GROUP BY: a paginated list counts its sessions without touching registrations, and
    computes seats only for the rows of the page."""

    def count(status: str, mode: str) -> Coalesce:
        per_session = (
            # Pinned to the outer session, which the caller scoped to its agency.
            Registration.objects.with_scope(agency=None)
            .filter(session=OuterRef("pk"), status=status, mode=mode)
            .order_by()
            .values("session")
            .annotate(n=Count("*"))  # COUNT(*): read from the index alone, not the rows
            .values("n")
        )
        return Coalesce(Subquery(per_session, output_field=IntegerField()), 0)

    return sessions.annotate(
        confirmed_in_person=count(RegistrationStatus.CONFIRMED, AttendanceMode.IN_PERSON),
        confirmed_online=count(RegistrationStatus.CONFIRMED, AttendanceMode.ONLINE),
        waitlisted_in_person=count(RegistrationStatus.WAITLISTED, AttendanceMode.IN_PERSON),
        waitlisted_online=count(RegistrationStatus.WAITLISTED, AttendanceMode.ONLINE),
    )


def _sessions(agency: Agency | int | None) -> QuerySet[Session]:
    return (
        Session.objects.with_scope(agency=agency)
        .filter(agency=agency)
        .select_related("element__program", "location")
    )


MODE_FILTERS: dict[str, tuple[str, ...]] = {
    AttendanceMode.IN_PERSON: (DeliveryMode.IN_PERSON, DeliveryMode.HYBRID),
    AttendanceMode.ONLINE: (DeliveryMode.ONLINE, DeliveryMode.HYBRID),
    DeliveryMode.HYBRID: (DeliveryMode.HYBRID,),
}


def session_list_upcoming(
    *,
    agency: Agency,
    service_type: str | None = None,
    topic: str | None = None,
    mode: str | None = None,
    language: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    location_kind: str | None = None,
) -> QuerySet[Session]:
    """Scheduled sessions of published programs that have not started, soonest first, with
    seat counts. Filters left empty (None or "") do not filter; unknown values find nothing.

    - `mode`: "in_person" or "online" (sessions one can attend that way) or "hybrid";
    - `topic`: every word must start a word of the topic keywords or of a title, in any
      language, ignoring case and accents ("resume" finds "Résumé", "cv" finds "CV");
    - `language`: "en" or "fr" (bilingual sessions count for both);
    - `start` / `end`: sessions starting in [start, end);
    - `location_kind`: urban, rural, remote — or online (sessions one can attend online).
    """
    sessions = _seat_counts(
        _sessions(agency).filter(
            status=SessionStatus.SCHEDULED,
            starts_at__gt=timezone.now(),
            element__program__is_published=True,
        )
    )
    if service_type:
        sessions = sessions.filter(element__service_type=service_type)
    if mode:
        sessions = sessions.filter(delivery_mode__in=MODE_FILTERS.get(mode, ()))
    if language:
        sessions = sessions.filter(
            language__in=(language, SessionLanguage.BILINGUAL) if language in ("en", "fr") else ()
        )
    if start:
        sessions = sessions.filter(starts_at__gte=start)
    if end:
        sessions = sessions.filter(starts_at__lt=end)
    if location_kind == LocationKind.ONLINE:
        sessions = sessions.filter(delivery_mode__in=MODE_FILTERS[AttendanceMode.ONLINE])
    elif location_kind and mode != AttendanceMode.ONLINE:
        # Attending online, a person in a rural or remote place can take any online session:
        # the place filters only the sessions attended in a room.
        sessions = sessions.filter(location__kind=location_kind)
    if topic:
        words = query_words(topic)
        if not words:
            return sessions.none()
        for word in words:
            sessions = sessions.filter(search_text__contains=f" {word}")
    return sessions.order_by("starts_at", "id")


def session_get_for_agency(
    *, agency: Agency, session_id: int, published_only: bool = False, with_seats: bool = True
) -> Session:
    """The agency's session or 404; `with_seats=False` skips the seat counts for a caller that
    counts under the lock itself (registration)."""
    sessions = _sessions(agency).filter(pk=session_id)
    if with_seats:
        sessions = _seat_counts(sessions)
    if published_only:
        sessions = sessions.filter(element__program__is_published=True)
    try:
        session = sessions.get()
    except Session.DoesNotExist:
        raise Http404 from None
    session.agency = agency  # the row scoped by it: no second read of the agency
    return session


def session_list_for_program(*, program: Program, upcoming_only: bool = True) -> QuerySet[Session]:
    sessions = _seat_counts(_sessions(program.agency_id).filter(element__program=program))
    if upcoming_only:
        sessions = sessions.filter(status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now())
    return sessions.order_by("starts_at", "id")


def session_list_for_staff(
    *, agency: Agency, start: datetime | None = None, end: datetime | None = None
) -> QuerySet[Session]:
    """Every session (any status, published or not) in [start, end), with seat counts."""
    sessions = _seat_counts(_sessions(agency))
    if start:
        sessions = sessions.filter(ends_at__gte=start)
    if end:
        sessions = sessions.filter(starts_at__lt=end)
    return sessions.order_by("starts_at", "id")


def session_list_for_feed(*, agency: Agency, days_back: int = 30) -> QuerySet[Session]:
    """The agency's public calendar: published sessions from a month ago on (cancellations
    stay in the feed, marked cancelled, so calendars remove them)."""
    since = timezone.now() - timedelta(days=days_back)
    return (
        _sessions(agency)
        .filter(element__program__is_published=True, ends_at__gte=since)
        .order_by("starts_at", "id")
    )


# ---------------------------------------------------------------------------------------------
# Registrations


def _registrations(agency_id: int) -> QuerySet[Registration]:
    return Registration.objects.with_scope(agency=agency_id).select_related(
        "session__element__program", "session__location", "session__agency", "client"
    )


def registration_list_for_client(*, client: Client) -> QuerySet[Registration]:
    """The client's confirmed and waitlisted registrations: sessions not yet over first
    (soonest first), then past ones."""
    now = timezone.now()
    return (
        _registrations(client.agency_id)
        .filter(client=client, status__in=ACTIVE)
        .annotate(
            is_over=Case(
                When(session__ends_at__lte=now, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("is_over", "session__starts_at", "id")
    )


def registration_get_for_client(*, client: Client, registration_id: int) -> Registration:
    registration = (
        _registrations(client.agency_id).filter(client=client, pk=registration_id).first()
    )
    if registration is None:
        raise Http404
    return registration


def registration_of_client_for_session(*, client: Client, session: Session) -> Registration | None:
    return (
        _registrations(client.agency_id)
        .filter(client=client, session=session, status__in=ACTIVE)
        .first()
    )


def registrations_of_client_by_session(
    *, client: Client, session_ids: list[int]
) -> dict[int, Registration]:
    """For list pages: the client's active registration of each listed session, one query."""
    found = Registration.objects.with_scope(agency=client.agency_id).filter(
        client=client, session_id__in=session_ids, status__in=ACTIVE
    )
    return {registration.session_id: registration for registration in found}


def registration_list_for_session(
    *, session: Session, include_cancelled: bool = False
) -> QuerySet[Registration]:
    """By mode, confirmed before waitlisted (in waitlist order), then by name."""
    registrations = (
        Registration.objects.with_scope(agency=session.agency_id)
        .filter(session=session)
        .select_related("client")
    )
    if not include_cancelled:
        registrations = registrations.filter(status__in=ACTIVE)
    return registrations.annotate(
        status_order=Case(
            When(status=RegistrationStatus.CONFIRMED, then=Value(0)),
            When(status=RegistrationStatus.WAITLISTED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by(
        "mode", "status_order", "waitlist_position", "client__last_name", "client__first_name", "id"
    )


def registration_get_for_agency(*, agency: Agency, registration_id: int) -> Registration:
    registration = _registrations(agency.pk).filter(agency=agency, pk=registration_id).first()
    if registration is None:
        raise Http404
    return registration


def registration_list_promotions_to_notify(*, agency: Agency) -> QuerySet[Registration]:
    """Waitlisted people who got a seat and have not been told yet (for the messaging app)."""
    return _registrations(agency.pk).filter(
        status=RegistrationStatus.CONFIRMED,
        promoted_at__isnull=False,
        promotion_notified_at__isnull=True,
    )


def client_search_for_registration(
    *, agency: Agency, query: str, limit: int = 20
) -> QuerySet[Client]:
    """Staff registering someone: clients whose name, email or phone contains every word."""
    clients = Client.objects.with_scope(agency=agency).filter(agency=agency)
    words = query.split()[:4]
    if not words:
        return clients.none()
    for word in words:
        clients = clients.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(phone__icontains=word)
        )
    return clients.order_by("last_name", "first_name", "id")[:limit]


# ---------------------------------------------------------------------------------------------
# Recordings and calendar feeds


def _programs_of_client(client: Client) -> QuerySet[Registration]:
    return (
        Registration.objects.with_scope(agency=client.agency_id)
        .filter(client=client, status=RegistrationStatus.CONFIRMED)
        .values("session__element__program_id")
    )


def recording_list_for_client(*, client: Client) -> QuerySet[Recording]:
    """Recordings of every program the client has a confirmed registration in."""
    return (
        Recording.objects.with_scope(agency=client.agency_id)
        .filter(session__element__program_id__in=_programs_of_client(client))
        .select_related("session")
        .order_by("-session__starts_at", "-id")
    )


def recording_get_for_client(*, client: Client, recording_id: int) -> Recording:
    recording = recording_list_for_client(client=client).filter(pk=recording_id).first()
    if recording is None:
        raise Http404
    return recording


def recording_list_for_session(*, session: Session) -> QuerySet[Recording]:
    return (
        Recording.objects.with_scope(agency=session.agency_id)
        .filter(session=session)
        .annotate(view_count=Count("views"), viewer_count=Count("views__client", distinct=True))
        .order_by("-created_at", "-id")
    )


def recording_get_for_agency(*, agency: Agency, recording_id: int) -> Recording:
    recording = (
        Recording.objects.with_scope(agency=agency)
        .filter(agency=agency, pk=recording_id)
        .select_related("session")
        .first()
    )
    if recording is None:
        raise Http404
    return recording


def calendar_feed_get_by_token(*, agency: Agency, token: str) -> CalendarFeed:
    feed = None
    if 16 <= len(token) <= 64:
        feed = (
            CalendarFeed.objects.with_scope(agency=agency)
            .filter(agency=agency, token=token)
            .select_related("client")
            .first()
        )
    if feed is None:
        raise Http404
    return feed
