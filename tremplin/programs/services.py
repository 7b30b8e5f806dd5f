"""Every write about programs, sessions, registrations, attendance and recordings.

The web pages, the virtual assistant, the API and the tasks all call these functions, so the
registration rules live here only.

No overbooking (pretix's quota handling is the model): every change to the seats or the
waitlists of a session first locks that session's row (`SELECT … FOR UPDATE`) inside the
transaction, then counts and writes. Concurrent registrations for one session therefore run
one after the other on PostgreSQL; on SQLite the whole transaction holds the database write
lock from BEGIN (`transaction_mode="IMMEDIATE"` in settings), which serialises them the same
way. Waitlist positions are 1, 2, 3… per (session, mode) with no gaps, renumbered under the
same lock, and backed by unique constraints.
"""

import uuid
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F, Model, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, get_random_string
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from i18nfield.strings import LazyI18nString

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency, Location
from tremplin.api.webhooks import webhook_emit, webhook_emit_many, webhook_listeners
from tremplin.audit.models import AuditEvent
from tremplin.audit.services import audit_event, audit_log
from tremplin.clients.models import Client
from tremplin.core.pagecache import public_pages_changed_on_commit
from tremplin.core.services import Actor, Refused
from tremplin.programs.models import (
    MODES_OF_DELIVERY,
    AttendanceMode,
    AttendanceStatus,
    CalendarFeed,
    CheckInMethod,
    Program,
    Recording,
    RecordingView,
    Registration,
    RegistrationChannel,
    RegistrationStatus,
    ServiceElement,
    Session,
    SessionLanguage,
    SessionStatus,
)
from tremplin.programs.search import search_words
from tremplin.programs.selectors import eligibility_problem

# Lock the session row before counting seats. Only the concurrency test's control run turns
# this off, to prove that the test catches overbooking when the lock is missing.
_LOCK_SESSION_ROWS = True

MAX_SERIES_OCCURRENCES = 52


class ProgramsError(Refused):
    """A refused action of this app (see tremplin.core.services.Refused)."""


class RegistrationRefused(ProgramsError):
    """code ∈ full, closed, not_open, past, cancelled, ineligible, duplicate, wrong_mode."""


class CheckInRefused(ProgramsError):
    """code ∈ not_registered, wrong_code, not_open, closed, wrong_mode."""


MODE_NOT_OFFERED = {
    AttendanceMode.IN_PERSON: _("This session is not offered in person."),
    AttendanceMode.ONLINE: _("This session is not offered online."),
}


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# ---------------------------------------------------------------------------------------------
# Programs and service elements


@transaction.atomic
def program_create(
    *,
    agency: Agency,
    actor: Actor,
    title: LazyI18nString,
    description: LazyI18nString | str = "",
    is_published: bool = True,
    eligible_immigration_categories: Sequence[str] = (),
    pre_arrival_allowed: bool = True,
    pre_arrival_only: bool = False,
    eligible_location_types: Sequence[str] = (),
) -> Program:
    program = Program(agency=agency, network_id=agency.network_id)
    _set_program_fields(
        program,
        title=title,
        description=description,
        is_published=is_published,
        eligible_immigration_categories=eligible_immigration_categories,
        pre_arrival_allowed=pre_arrival_allowed,
        pre_arrival_only=pre_arrival_only,
        eligible_location_types=eligible_location_types,
    )
    audit_log(agency=agency, actor=actor, action="program.create", obj=program)
    return program


@transaction.atomic
def program_update(
    *,
    program: Program,
    actor: Actor,
    title: LazyI18nString,
    description: LazyI18nString | str = "",
    is_published: bool = True,
    eligible_immigration_categories: Sequence[str] = (),
    pre_arrival_allowed: bool = True,
    pre_arrival_only: bool = False,
    eligible_location_types: Sequence[str] = (),
) -> Program:
    _set_program_fields(
        program,
        title=title,
        description=description,
        is_published=is_published,
        eligible_immigration_categories=eligible_immigration_categories,
        pre_arrival_allowed=pre_arrival_allowed,
        pre_arrival_only=pre_arrival_only,
        eligible_location_types=eligible_location_types,
    )
    sessions_refresh_search_text(
        sessions=Session.objects.with_scope(agency=program.agency_id).filter(
            element__program=program
        )
    )
    if program.agency is not None:
        audit_log(agency=program.agency, actor=actor, action="program.update", obj=program)
    return program


def _set_program_fields(program: Program, **fields: Any) -> None:
    if fields["pre_arrival_only"] and not fields["pre_arrival_allowed"]:
        raise ValidationError(
            {
                "pre_arrival_only": _(
                    "A program only for pre-arrival clients must be open to pre-arrival clients."
                )
            }
        )
    fields["eligible_immigration_categories"] = list(fields["eligible_immigration_categories"])
    fields["eligible_location_types"] = list(fields["eligible_location_types"])
    for name, value in fields.items():
        setattr(program, name, value)
    program.save()


@transaction.atomic
def program_adopt(*, template: Program, agency: Agency, actor: Actor) -> Program:
    """Copy a network template (and its service elements) into an agency program."""
    if not template.is_template or template.network_id != agency.network_id:
        raise ValueError("Only a template of the agency's own network can be adopted.")
    program = Program.objects.with_scope(agency=agency).create(
        network_id=agency.network_id,
        agency=agency,
        template=template,
        title=template.title,
        description=template.description,
        is_published=False,  # staff review it and plan sessions before it shows in the catalogue
        eligible_immigration_categories=template.eligible_immigration_categories,
        pre_arrival_allowed=template.pre_arrival_allowed,
        pre_arrival_only=template.pre_arrival_only,
        eligible_location_types=template.eligible_location_types,
    )
    ServiceElement.objects.with_scope(agency=agency).bulk_create(
        ServiceElement(
            agency=agency,
            program=program,
            service_type=element.service_type,
            title=element.title,
            description=element.description,
            position=element.position,
        )
        for element in ServiceElement.objects.with_scopes_disabled().filter(program=template)
    )
    audit_log(
        agency=agency,
        actor=actor,
        action="program.adopt",
        obj=program,
        detail={"template": template.pk},
    )
    return program


@transaction.atomic
def service_element_create(
    *,
    program: Program,
    actor: Actor,
    service_type: str,
    title: LazyI18nString,
    description: LazyI18nString | str = "",
    position: int = 0,
) -> ServiceElement:
    element = ServiceElement.objects.with_scope(agency=program.agency_id).create(
        agency_id=program.agency_id,
        program=program,
        service_type=service_type,
        title=title,
        description=description,
        position=position,
    )
    if program.agency is not None:
        audit_log(agency=program.agency, actor=actor, action="service_element.create", obj=element)
    return element


@transaction.atomic
def service_element_update(
    *,
    element: ServiceElement,
    actor: Actor,
    service_type: str,
    title: LazyI18nString,
    description: LazyI18nString | str = "",
    position: int = 0,
) -> ServiceElement:
    element.service_type = service_type
    element.title = title
    element.description = description
    element.position = position
    element.save()
    sessions_refresh_search_text(
        sessions=Session.objects.with_scope(agency=element.agency_id).filter(element=element)
    )
    if element.agency is not None:
        audit_log(agency=element.agency, actor=actor, action="service_element.update", obj=element)
    return element


# ---------------------------------------------------------------------------------------------
# Sessions


@dataclass(frozen=True)
class SessionDetails:
    """What staff decide about a session (one occurrence, or the first of a series)."""

    element: ServiceElement
    title: LazyI18nString
    starts_at: datetime
    ends_at: datetime
    delivery_mode: str
    in_person_capacity: int = 0
    location: Location | None = None
    online_capacity: int = 0
    join_url: str = ""
    language: str = SessionLanguage.EN
    topic: str = ""
    facilitators: Sequence[User] = ()
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    waitlist_enabled: bool = True


def jitsi_room_url(*, agency: Agency) -> str:
    """A fresh, hard-to-guess room on the configured Jitsi server (meet.jit.si by default)."""
    base = getattr(settings, "TREMPLIN_JITSI_URL", "https://meet.jit.si").rstrip("/")
    room = get_random_string(12, "abcdefghijkmnpqrstuvwxyz23456789")
    return f"{base}/tremplin-{agency.slug}-{room}"


def _clean_details(agency: Agency, details: SessionDetails) -> SessionDetails:
    """Validate and normalise: a mode that is not offered has no seats, place or link."""
    if details.element.agency_id != agency.pk:
        raise ValueError("The service element belongs to another agency.")
    if details.location is not None and details.location.agency_id != agency.pk:
        raise ValueError("The location belongs to another agency.")
    errors: dict[str, Any] = {}
    if details.ends_at <= details.starts_at:
        errors["ends_at"] = _("A session must end after it starts.")
    modes = MODES_OF_DELIVERY.get(details.delivery_mode)
    if modes is None:
        raise ValueError(f"Unknown delivery mode {details.delivery_mode!r}.")
    if details.language not in SessionLanguage.values:
        raise ValueError(f"Unknown session language {details.language!r}.")
    changes: dict[str, Any] = {}
    if AttendanceMode.IN_PERSON in modes:
        if details.location is None:
            errors["location"] = _("Say where the session takes place.")
        if details.in_person_capacity < 1:
            errors["in_person_capacity"] = _("Give at least one seat in the room.")
    else:
        changes.update(location=None, in_person_capacity=0)
    if AttendanceMode.ONLINE in modes:
        if details.online_capacity < 1:
            errors["online_capacity"] = _("Give at least one seat online.")
        if details.join_url and not details.join_url.startswith("https://"):
            errors["join_url"] = _("The meeting link must start with https://.")
        if not details.join_url:
            changes["join_url"] = jitsi_room_url(agency=agency)
    else:
        changes.update(online_capacity=0, join_url="")
    opens, closes = details.registration_opens_at, details.registration_closes_at
    if opens and closes and opens >= closes:
        errors["registration_closes_at"] = _("Registration must close after it opens.")
    if closes and closes > details.ends_at:
        errors["registration_closes_at"] = _("Registration must close before the session ends.")
    if errors:
        raise ValidationError(errors)
    return replace(details, **changes)


def _session_search_text(session: Session, element: ServiceElement, program: Program) -> str:
    texts = [session.topic]
    for value in (session.title, element.title, program.title):
        data = value.data if isinstance(value, LazyI18nString) else value
        texts.extend(data.values() if isinstance(data, dict) else [str(data or "")])
    # Spaces around every word: a search matches the start of a word (" interview" finds
    # "interviews" but "cv" does not match inside another word).
    return " " + " ".join(sorted(set(search_words(" ".join(texts))))) + " "


def sessions_refresh_search_text(*, sessions: QuerySet[Session]) -> None:
    """Recompute the topic-search words of `sessions` (after a title or topic changed)."""
    for session in sessions.select_related("element__program"):
        text = _session_search_text(session, session.element, session.element.program)
        if text != session.search_text:
            Session.objects.with_scope(agency=session.agency_id).filter(pk=session.pk).update(
                search_text=text
            )


def _apply_details(session: Session, details: SessionDetails) -> None:
    for name in (
        "element",
        "title",
        "starts_at",
        "ends_at",
        "delivery_mode",
        "in_person_capacity",
        "location",
        "online_capacity",
        "join_url",
        "language",
        "topic",
        "registration_opens_at",
        "registration_closes_at",
        "waitlist_enabled",
    ):
        setattr(session, name, getattr(details, name))
    session.search_text = _session_search_text(session, details.element, details.element.program)
    session.save()
    session.facilitators.set(details.facilitators)


@transaction.atomic
def session_create(*, agency: Agency, actor: Actor, details: SessionDetails) -> Session:
    details = _clean_details(agency, details)
    session = Session(agency=agency)
    _apply_details(session, details)
    audit_log(agency=agency, actor=actor, action="session.create", obj=session)
    return session


@transaction.atomic
def session_create_series(
    *, agency: Agency, actor: Actor, details: SessionDetails, occurrences: int, every_days: int = 7
) -> list[Session]:
    """Create `occurrences` sessions `every_days` apart at the same local wall-clock time
    (a weekly 10:00 workshop stays at 10:00 across a daylight-saving change)."""
    if not 1 <= occurrences <= MAX_SERIES_OCCURRENCES:
        raise ValidationError(
            {
                "occurrences": _("A series has between 1 and %(max)d sessions.")
                % {"max": MAX_SERIES_OCCURRENCES}
            }
        )
    if not 1 <= every_days <= 366:
        raise ValidationError({"every_days": _("Repeat between every day and every year.")})
    details = _clean_details(agency, details)
    series = uuid.uuid4() if occurrences > 1 else None
    zone = ZoneInfo(agency.time_zone)
    sessions = []
    for index in range(occurrences):
        shift = timedelta(days=every_days * index)
        occurrence = replace(
            details,
            starts_at=_same_wall_time_later(details.starts_at, shift, zone),
            ends_at=_same_wall_time_later(details.ends_at, shift, zone),
            registration_opens_at=details.registration_opens_at
            and _same_wall_time_later(details.registration_opens_at, shift, zone),
            registration_closes_at=details.registration_closes_at
            and _same_wall_time_later(details.registration_closes_at, shift, zone),
            # Each occurrence gets its own meeting room unless staff pasted one link for all.
            join_url=details.join_url
            if index == 0 or not _is_generated_room(details.join_url, agency)
            else "",
        )
        occurrence = _clean_details(agency, occurrence)
        session = Session(agency=agency, series=series)
        _apply_details(session, occurrence)
        sessions.append(session)
    audit_log(
        agency=agency,
        actor=actor,
        action="session.create_series",
        obj=sessions[0],
        detail={"occurrences": occurrences, "every_days": every_days, "series": str(series or "")},
    )
    return sessions


def _same_wall_time_later(moment: datetime, shift: timedelta, zone: ZoneInfo) -> datetime:
    local = moment.astimezone(zone).replace(tzinfo=None) + shift
    return local.replace(tzinfo=zone)


def _is_generated_room(url: str, agency: Agency) -> bool:
    return f"/tremplin-{agency.slug}-" in url


@transaction.atomic
def session_update(*, session: Session, actor: Actor, details: SessionDetails) -> Session:
    """Change a session. Capacity may not drop below the seats already confirmed in a mode;
    added seats go to the people waiting, first come first served."""
    locked = _lock_session(session)
    details = _clean_details(locked.agency, details)
    counts = _confirmed_counts(locked)
    errors: dict[str, str | Promise] = {}
    new_modes = MODES_OF_DELIVERY[details.delivery_mode]
    for mode, field in (
        (AttendanceMode.IN_PERSON, "in_person_capacity"),
        (AttendanceMode.ONLINE, "online_capacity"),
    ):
        capacity = getattr(details, field)
        if capacity < counts[mode]:
            errors[field] = _capacity_too_low(counts[mode])
        elif mode not in new_modes and _count(locked, mode, RegistrationStatus.WAITLISTED):
            errors["delivery_mode"] = _(
                "People are on the waitlist for a mode this change removes."
            )
    if errors:
        raise ValidationError(errors)
    before = (locked.starts_at, locked.ends_at, locked.location_id, locked.join_url, locked.modes)
    _apply_details(locked, details)
    if before != (
        locked.starts_at,
        locked.ends_at,
        locked.location_id,
        locked.join_url,
        locked.modes,
    ):
        _tell("on_session_changed", locked.pk)
    for offered in new_modes:
        _promote_waiting(
            locked, offered, seats=locked.capacity(offered) - counts[offered], actor=actor
        )
    audit_log(agency=locked.agency, actor=actor, action="session.update", obj=locked)
    return locked


@transaction.atomic
def session_set_capacity(*, session: Session, mode: str, capacity: int, actor: Actor) -> Session:
    locked = _lock_session(session)
    if mode not in locked.modes:
        raise ValidationError(MODE_NOT_OFFERED[AttendanceMode(mode)])
    confirmed = _confirmed_count(locked, mode)
    if capacity < max(confirmed, 1):
        raise ValidationError(_capacity_too_low(max(confirmed, 1)))
    field = "in_person_capacity" if mode == AttendanceMode.IN_PERSON else "online_capacity"
    setattr(locked, field, capacity)
    locked.save(update_fields=[field])
    _promote_waiting(locked, mode, seats=capacity - confirmed, actor=actor)
    audit_log(
        agency=locked.agency,
        actor=actor,
        action="session.set_capacity",
        obj=locked,
        detail={"mode": mode},
    )
    return locked


def _tell(hook: str, *args: object) -> None:
    """After the commit, tell the people concerned (tremplin/messaging/hooks.py); a messaging
    problem never undoes the change."""

    def run() -> None:
        from tremplin.messaging import hooks

        getattr(hooks, hook)(*args)

    transaction.on_commit(run, robust=True)


def _capacity_too_low(confirmed: int) -> str:
    return _("At least %(count)d seats are needed: that many people are already confirmed.") % {
        "count": confirmed
    }


@transaction.atomic
def session_cancel(*, session: Session, actor: Actor) -> Session:
    """Cancel a session; its registrations stay as they are so that people can be told."""
    locked = _lock_session(session)
    if locked.status != SessionStatus.CANCELLED:
        _tell("on_session_cancelled", locked.pk)
    locked.status = SessionStatus.CANCELLED
    locked.save(update_fields=["status"])
    audit_log(agency=locked.agency, actor=actor, action="session.cancel", obj=locked)
    return locked


@transaction.atomic
def session_complete(*, session: Session, actor: Actor) -> Session:
    """Close a session after its end: confirmed people not checked in become no-shows."""
    locked = _lock_session(session)
    if locked.ends_at > timezone.now():
        raise ValidationError(_("People can be marked absent only once the session is over."))
    absent = _registrations(locked).filter(
        session=locked, status=RegistrationStatus.CONFIRMED, attendance=AttendanceStatus.UNKNOWN
    )
    absent_ids = list(absent.values_list("pk", flat=True))
    absent.filter(pk__in=absent_ids).update(attendance=AttendanceStatus.NO_SHOW)
    # One "attendance recorded" event per person marked absent, written in bulk.
    webhook_emit_many(
        agency=locked.agency_id,
        event_type="attendance.recorded",
        object_type="registration",
        object_ids=absent_ids,
    )
    locked.status = SessionStatus.COMPLETED
    locked.save(update_fields=["status"])
    audit_log(agency=locked.agency, actor=actor, action="session.complete", obj=locked)
    return locked


# ---------------------------------------------------------------------------------------------
# Registrations


def _registrations(session: Session) -> QuerySet[Registration]:
    return Registration.objects.with_scope(agency=session.agency_id)


def _lock_session(session: Session) -> Session:
    """The session row, re-read and (normally) locked until the transaction ends.

    `of=("self",)` locks only the session, not the joined program and agency rows, so
    registrations for other sessions of the same program do not wait on each other.
    """
    sessions = Session.objects.with_scope(agency=session.agency_id).select_related(
        "agency", "element__program", "location"
    )
    if _LOCK_SESSION_ROWS:
        sessions = sessions.select_for_update(of=("self",))
    public_pages_changed_on_commit(session.agency_id)  # seats shown to visitors may change
    return sessions.get(pk=session.pk)


def _session_with_program(session: Session) -> Session:
    """The session as it reads now (no lock), with what the registration rules look at; the
    caller's copy when it already holds them (a view that just read it in this request)."""
    if (
        Session.agency.is_cached(session)
        and Session.element.is_cached(session)
        and ServiceElement.program.is_cached(session.element)
    ):
        return session
    return (
        Session.objects.with_scope(agency=session.agency_id)
        .select_related("agency", "element__program")
        .get(pk=session.pk)
    )


def _count(session: Session, mode: str, status: str) -> int:
    return _registrations(session).filter(session=session, mode=mode, status=status).count()


# The seat decision and the insert in one statement, run under the session's lock: a seat when
# one is free in the mode, else the end of its waitlist, else nothing — and nothing either when
# the client already has a place or the session's rules (re-read under the lock: a change may
# have won it first) refuse. Written in SQL because the ORM spent several times the statement's
# own time building the three queries it replaces, all of it while the lock was held.
_PLACED_INSERT = """
INSERT INTO {registrations} ({columns}, status, waitlist_position)
SELECT {values},
       CASE WHEN seats.confirmed < seats.capacity THEN %(confirmed)s ELSE %(waitlisted)s END,
       CASE WHEN seats.confirmed < seats.capacity THEN NULL ELSE seats.waiting + 1 END
FROM (
    SELECT CASE WHEN %(mode)s = %(in_person)s THEN s.in_person_capacity
                ELSE s.online_capacity END AS capacity,
           s.waitlist_enabled AS waitlist_enabled,
           (SELECT COUNT(*) FROM {registrations} r
            WHERE r.session_id = s.id AND r.mode = %(mode)s AND r.status = %(confirmed)s
           ) AS confirmed,
           -- Positions run 1…n without gaps: the last one is the count, read from the end of
           -- the unique waitlist index rather than by counting a long waitlist.
           (SELECT COALESCE(MAX(r.waitlist_position), 0) FROM {registrations} r
            WHERE r.session_id = s.id AND r.mode = %(mode)s AND r.status = %(waitlisted)s
           ) AS waiting,
           (SELECT COUNT(*) FROM {registrations} r
            WHERE r.session_id = s.id AND r.client_id = %(client)s AND r.status <> %(withdrawn)s
           ) AS mine
    FROM {sessions} s
    WHERE s.id = %(session)s AND s.agency_id = %(agency)s
      AND s.status NOT IN (%(session_cancelled)s, %(session_completed)s) AND s.starts_at > %(now)s
      AND s.delivery_mode IN ({delivery_modes})
      AND (%(override)s OR ((s.registration_opens_at IS NULL OR s.registration_opens_at <= %(now)s)
                            AND (s.registration_closes_at IS NULL OR s.registration_closes_at > %(now)s)))
    LIMIT 1
) seats
WHERE seats.mine = 0 AND (seats.confirmed < seats.capacity OR seats.waitlist_enabled)
RETURNING id, status, waitlist_position{arrival}
"""
_FIXED_BY_THE_INSERT = {"id", "status", "waitlist_position"}
# PostgreSQL: the session's row lock, then the insert with its audit event (a data-modifying
# CTE), sent together: the lock is granted and the seat decided without a round trip between
# them (and, outside a transaction, committed as they end: see registration_create). Separate
# statements, so the insert counts with a snapshot taken after the lock. SQLite has no such CTE,
# and serialises whole transactions from BEGIN anyway (IMMEDIATE): there the event is saved
# after the insert.
_LOCK = "SELECT 1 FROM {sessions} WHERE id = %(session)s FOR UPDATE;\n"
_PLACED_AND_AUDITED = """
WITH placed AS ({placed}),
audited AS (
    INSERT INTO {events} ({columns}, object_id, detail)
    SELECT {values}, CAST(placed.id AS varchar),
           jsonb_set(%(detail)s, '{{status}}', to_jsonb(placed.status))
    FROM placed
)
SELECT id, status, waitlist_position, created_at FROM placed
"""
_FIXED_BY_THE_STATEMENT = {"id", "object_id", "detail"}


def _columns_and_values(obj: Model, fixed: set[str]) -> tuple[str, str, dict[str, Any]]:
    """A model instance's insert: its quoted columns, their named placeholders and values
    (defaults and `auto_now_add` applied, as `save()` would), but for the `fixed` fields."""
    fields = [field for field in obj._meta.concrete_fields if field.attname not in fixed]
    names = [f"{obj._meta.model_name}_{field.column}" for field in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    values = {
        name: field.get_db_prep_save(field.pre_save(obj, True), connection)
        for name, field in zip(names, fields, strict=True)
    }
    return columns, ", ".join(f"%({name})s" for name in names), values


def _insert_if_placed(registration: Registration, *, override: bool, audit: AuditEvent) -> bool:
    """Insert `registration` confirmed or waitlisted as its session's seats allow (see
    _PLACED_INSERT), with its `audit` event (given all but the registration's id and status),
    under the session's lock; False, and nothing written, when it may not be placed."""
    postgres = connection.vendor == "postgresql"
    registration.created_at = timezone.now()
    delivery_modes = [
        delivery for delivery, modes in MODES_OF_DELIVERY.items() if registration.mode in modes
    ]
    fixed = _FIXED_BY_THE_INSERT | ({"created_at"} if postgres else set())
    columns, values, params = _columns_and_values(registration, fixed)
    if postgres:  # arrival order is lock order: the time of the insert, once the lock is granted
        columns, values = f"{columns}, created_at", f"{values}, clock_timestamp()"
    sql = _PLACED_INSERT.format(
        registrations=Registration._meta.db_table,
        sessions=Session._meta.db_table,
        columns=columns,
        values=values,
        delivery_modes=", ".join(f"%(delivery_{n})s" for n in range(len(delivery_modes))),
        arrival=", created_at" if postgres else "",
    )
    params |= {f"delivery_{n}": delivery for n, delivery in enumerate(delivery_modes)}
    params |= {
        "confirmed": RegistrationStatus.CONFIRMED,
        "waitlisted": RegistrationStatus.WAITLISTED,
        "withdrawn": RegistrationStatus.CANCELLED,
        "mode": registration.mode,
        "in_person": AttendanceMode.IN_PERSON,
        "client": registration.client_id,
        "session": registration.session_id,
        "agency": registration.agency_id,
        "session_cancelled": SessionStatus.CANCELLED,
        "session_completed": SessionStatus.COMPLETED,
        "now": connection.ops.adapt_datetimefield_value(registration.created_at),
        "override": override,
    }
    if postgres:
        columns, values, audit_params = _columns_and_values(audit, _FIXED_BY_THE_STATEMENT)
        sql = _PLACED_AND_AUDITED.format(
            placed=sql.strip(), events=AuditEvent._meta.db_table, columns=columns, values=values
        )
        detail = AuditEvent._meta.get_field("detail")
        params |= audit_params | {"detail": detail.get_db_prep_save(audit.detail, connection)}
    locked = postgres and _LOCK_SESSION_ROWS
    if locked:
        sql = _LOCK.format(sessions=Session._meta.db_table) + sql
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if locked:
            cursor.nextset()  # past the lock's row, to the insert's
        placed = cursor.fetchone()
    if placed is None:
        return False
    registration.pk, registration.status, registration.waitlist_position = placed[:3]
    if postgres:
        registration.created_at = placed[3]
    registration._state.adding = False
    registration._state.db = connection.alias
    audit.object_id = str(registration.pk)
    audit.detail["status"] = registration.status
    if not postgres:
        audit.save(force_insert=True)
    return True


def _explain_refusal(session: Session, *, mode: str, client: Client, override: bool) -> NoReturn:
    """Why the guarded insert placed nobody: read under the lock it still holds, or just
    after, when the statement was its own transaction (the reason may have changed since;
    nothing was written either way)."""
    locked = Session.objects.with_scope(agency=session.agency_id).get(pk=session.pk)
    _refuse_unless_open(locked, mode, override=override)
    mine = _registrations(locked).filter(session=locked, client=client)
    if mine.exclude(status=RegistrationStatus.CANCELLED).exists():
        raise RegistrationRefused(
            "duplicate", _("Already registered for this session (or on its waitlist).")
        )
    raise RegistrationRefused("full", _("This session is full and has no waitlist."))


def _confirmed_count(session: Session, mode: str) -> int:
    return _count(session, mode, RegistrationStatus.CONFIRMED)


def _confirmed_counts(session: Session) -> dict[str, int]:
    return {mode: _confirmed_count(session, mode) for mode in AttendanceMode.values}


def _close_waitlist_gap(session: Session, mode: str, *, above: int, by: int) -> None:
    """Move everyone waiting behind position `above` up by `by` places, in two statements.

    One `position - by` UPDATE could collide with the unique (session, mode, position) index
    half-way, since rows are updated in no guaranteed order; going through negative numbers
    first never collides.
    """
    waiting = _registrations(session).filter(
        session=session, mode=mode, status=RegistrationStatus.WAITLISTED
    )
    waiting.filter(waitlist_position__gt=above).update(
        waitlist_position=-(F("waitlist_position") - by)
    )
    waiting.filter(waitlist_position__lt=0).update(waitlist_position=-F("waitlist_position"))


def _promote_waiting(session: Session, mode: str, *, seats: int, actor: Actor) -> list[int]:
    """Give up to `seats` free seats of `mode` to the first people waiting, in order."""
    if seats <= 0:
        return []
    waiting = _registrations(session).filter(
        session=session, mode=mode, status=RegistrationStatus.WAITLISTED
    )
    promoted = list(waiting.order_by("waitlist_position").values_list("pk", flat=True)[:seats])
    if not promoted:
        return []
    _registrations(session).filter(pk__in=promoted).update(
        status=RegistrationStatus.CONFIRMED, waitlist_position=None, promoted_at=timezone.now()
    )
    _close_waitlist_gap(session, mode, above=0, by=len(promoted))
    _tell("on_registrations_promoted", promoted)
    for registration_id in promoted:
        audit_log(
            agency=session.agency,
            actor=None,
            action="registration.promote",
            obj=Registration(pk=registration_id),
            detail={"session": session.pk, "mode": mode},
        )
        webhook_emit(
            agency=session.agency,
            event_type="registration.promoted",
            object_type="registration",
            object_id=registration_id,
        )
    return promoted


def _refuse_unless_open(session: Session, mode: str, *, override: bool) -> None:
    now = timezone.now()
    if session.status == SessionStatus.CANCELLED:
        raise RegistrationRefused("cancelled", _("This session has been cancelled."))
    if session.status == SessionStatus.COMPLETED or session.starts_at <= now:
        raise RegistrationRefused("past", _("This session has already started or is over."))
    if mode not in AttendanceMode.values:
        raise RegistrationRefused("wrong_mode", _("Choose in person or online."))
    if mode not in session.modes:
        raise RegistrationRefused("wrong_mode", MODE_NOT_OFFERED[AttendanceMode(mode)])
    if override:
        return
    if session.registration_opens_at and now < session.registration_opens_at:
        raise RegistrationRefused(
            "not_open",
            _("Registration opens on %(when)s.") % {"when": _when(session.registration_opens_at)},
        )
    if session.registration_closes_at and now >= session.registration_closes_at:
        raise RegistrationRefused("closed", _("Registration for this session is closed."))


def _check_override(channel: str, override_reason: str) -> bool:
    if channel not in RegistrationChannel.values:
        raise ValueError(f"Unknown registration channel {channel!r}.")
    reason = override_reason.strip()
    if reason and channel != RegistrationChannel.STAFF:
        raise ValueError("Only staff registrations may override the rules.")
    return bool(reason)


def registration_create(
    *,
    session: Session,
    client: Client,
    mode: str,
    actor: Actor,
    channel: str = RegistrationChannel.WEB,
    override_reason: str = "",
) -> Registration:
    """Register `client` for `session` in `mode`: a free seat confirms, otherwise the client
    joins the end of that mode's waitlist (refused as "full" only if the session has no
    waitlist). Staff (channel "staff") may override eligibility and the registration window
    with a reason — never the capacity, a past or cancelled session, or a duplicate.

    Raises RegistrationRefused; nothing is written then.
    """
    override = _check_override(channel, override_reason)
    if client.agency_id != session.agency_id:
        raise ValueError("The client and the session belong to different agencies.")
    # What needs no lock comes first (the rules as the session reads now, eligibility), so that
    # the session's row lock is held for the seat decision and the writes only.
    current = _session_with_program(session)
    _refuse_unless_open(current, mode, override=override)
    if not override:
        problem = eligibility_problem(program=current.element.program, client=client)
        if problem is not None:
            raise RegistrationRefused("ineligible", problem)
    listeners = webhook_listeners(agency=current.agency_id, event_type="registration.created")
    registration = Registration(
        agency_id=current.agency_id,
        session=current,
        client=client,
        mode=mode,
        channel=channel,
        override_reason=override_reason.strip(),
        created_by=_person(actor),
        notice_pending=True,  # the worker sends the confirmation or waitlist notice
    )
    audit = audit_event(
        agency=current.agency,
        actor=actor,
        action="registration.create",
        obj=registration,
        client_id=client.pk,
        detail={"session": current.pk, "mode": mode, "channel": channel, "override": override},
    )
    # On PostgreSQL, with no webhook event to write beside it, the placing statement needs no
    # transaction of its own: alone, it commits as it ends on the server, so the session's lock
    # is released without waiting for Python to read the result and send a commit (most of the
    # lock's time in a rush); in a caller's transaction, it is simply part of that.
    needs_transaction = connection.vendor != "postgresql" or bool(listeners)
    with transaction.atomic() if needs_transaction else nullcontext():
        if not _insert_if_placed(registration, override=override, audit=audit):
            _explain_refusal(current, mode=mode, client=client, override=override)
        if registration.status == RegistrationStatus.CONFIRMED:
            public_pages_changed_on_commit(current.agency_id)  # a seat visitors see is taken
        _tell("on_registration_created")
        webhook_emit(
            agency=current.agency,
            event_type="registration.created",
            object_type="registration",
            object_id=registration.pk,
            endpoints=listeners,
        )
    return registration


def _person(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _pass_on_place(
    session: Session, mode: str, status: str, position: int | None, *, actor: Actor
) -> None:
    """Someone left a seat (it goes to the first person waiting) or a waitlist place (the
    people behind move up)."""
    if status == RegistrationStatus.CONFIRMED:
        _promote_waiting(session, mode, seats=1, actor=actor)
    elif position is not None:
        _close_waitlist_gap(session, mode, above=position, by=1)


def _lock_registration(registration: Registration) -> tuple[Session, Registration]:
    locked = _lock_session(registration.session)
    return locked, _registrations(locked).select_related("client").get(pk=registration.pk)


@transaction.atomic
def registration_cancel(*, registration: Registration, actor: Actor) -> Registration:
    """Cancel; a freed seat goes at once to the first person waiting in that mode."""
    session, current = _lock_registration(registration)
    if current.status == RegistrationStatus.CANCELLED:
        return current
    if session.starts_at <= timezone.now():
        raise RegistrationRefused("past", _("This session has already started or is over."))
    left = current.mode, current.status, current.waitlist_position
    current.status = RegistrationStatus.CANCELLED
    current.waitlist_position = None
    current.cancelled_at = timezone.now()
    current.save(update_fields=["status", "waitlist_position", "cancelled_at"])
    _pass_on_place(session, *left, actor=actor)
    audit_log(
        agency=session.agency,
        actor=actor,
        action="registration.cancel",
        obj=current,
        client_id=current.client_id,
        detail={"session": session.pk, "mode": current.mode},
    )
    webhook_emit(
        agency=session.agency,
        event_type="registration.cancelled",
        object_type="registration",
        object_id=current.pk,
    )
    return current


@transaction.atomic
def registration_switch_mode(
    *, registration: Registration, mode: str, actor: Actor
) -> Registration:
    """Move to the other mode of a hybrid session when a seat is free there (refused as
    "full" otherwise); the seat or waitlist place left behind is passed on at once."""
    session, current = _lock_registration(registration)
    if current.status == RegistrationStatus.CANCELLED:
        raise RegistrationRefused("cancelled", _("This registration has been cancelled."))
    _refuse_unless_open(session, mode, override=True)
    if mode == current.mode:
        return current
    if _confirmed_count(session, mode) >= session.capacity(mode):
        raise RegistrationRefused("full", _("There is no free seat in that mode."))
    left = current.mode, current.status, current.waitlist_position
    current.mode = mode
    current.status = RegistrationStatus.CONFIRMED
    current.waitlist_position = None
    current.save(update_fields=["mode", "status", "waitlist_position"])
    _pass_on_place(session, *left, actor=actor)
    audit_log(
        agency=session.agency,
        actor=actor,
        action="registration.switch_mode",
        obj=current,
        client_id=current.client_id,
        detail={"session": session.pk, "from": left[0], "to": mode},
    )
    return current


@transaction.atomic
def registration_mark_promotion_notified(*, registration: Registration) -> Registration:
    registration.promotion_notified_at = timezone.now()
    registration.save(update_fields=["promotion_notified_at"])
    return registration


# ---------------------------------------------------------------------------------------------
# Attendance


def _record_attendance(registration: Registration, *, mode: str, method: str) -> Registration:
    """Mark attended; the first check-in or join is the one kept."""
    if registration.attendance != AttendanceStatus.ATTENDED:
        registration.attendance = AttendanceStatus.ATTENDED
        registration.attended_mode = mode
        registration.checked_in_at = timezone.now()
        registration.check_in_method = method
        registration.save(
            update_fields=["attendance", "attended_mode", "checked_in_at", "check_in_method"]
        )
        _emit_attendance(registration)
    return registration


def _emit_attendance(registration: Registration) -> None:
    webhook_emit(
        agency=registration.agency_id,
        event_type="attendance.recorded",
        object_type="registration",
        object_id=registration.pk,
    )


@transaction.atomic
def attendance_check_in(*, registration: Registration, actor: Actor) -> Registration:
    """Staff at the door: the person is in the room, whatever mode they had chosen. An online
    registrant who comes in is counted in the room (attended_mode), and the switch is recorded
    in the audit detail; check-in opens settings.CHECK_IN_OPENS_MINUTES before the start."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise CheckInRefused("not_registered", _("Only confirmed registrations can be checked in."))
    session = registration.session
    if session.status == SessionStatus.CANCELLED:
        raise CheckInRefused("closed", _("This session has been cancelled."))
    if timezone.now() < session.check_in_opens_at:
        raise CheckInRefused(
            "not_open",
            _("Check-in opens at %(when)s.") % {"when": _when(session.check_in_opens_at)},
        )
    _record_attendance(registration, mode=AttendanceMode.IN_PERSON, method=CheckInMethod.DOOR)
    detail = {}
    if registration.mode != AttendanceMode.IN_PERSON:
        detail = {"registered_mode": registration.mode, "attended_mode": AttendanceMode.IN_PERSON}
    audit_log(
        agency=session.agency,
        actor=actor,
        action="attendance.check_in",
        obj=registration,
        client_id=registration.client_id,
        detail=detail,
    )
    return registration


@transaction.atomic
def attendance_undo(*, registration: Registration, actor: Actor) -> Registration:
    """Take back a check-in or a no-show tapped by mistake."""
    registration.attendance = AttendanceStatus.UNKNOWN
    registration.attended_mode = ""
    registration.checked_in_at = None
    registration.check_in_method = ""
    registration.save(
        update_fields=["attendance", "attended_mode", "checked_in_at", "check_in_method"]
    )
    audit_log(
        agency=registration.session.agency,
        actor=actor,
        action="attendance.undo",
        obj=registration,
        client_id=registration.client_id,
    )
    _emit_attendance(registration)
    return registration


@transaction.atomic
def attendance_mark_no_show(*, registration: Registration, actor: Actor) -> Registration:
    if registration.status != RegistrationStatus.CONFIRMED:
        raise CheckInRefused("not_registered", _("Only confirmed registrations can be marked."))
    if registration.session.ends_at > timezone.now():
        raise CheckInRefused(
            "not_open", _("People can be marked absent only once the session is over.")
        )
    registration.attendance = AttendanceStatus.NO_SHOW
    registration.save(update_fields=["attendance"])
    audit_log(
        agency=registration.session.agency,
        actor=actor,
        action="attendance.no_show",
        obj=registration,
        client_id=registration.client_id,
    )
    _emit_attendance(registration)
    return registration


def _refuse_outside_window(session: Session, opens_at: datetime) -> None:
    now = timezone.now()
    if session.status == SessionStatus.CANCELLED:
        raise CheckInRefused("closed", _("This session has been cancelled."))
    if now < opens_at:
        raise CheckInRefused("not_open", _("This opens at %(when)s.") % {"when": _when(opens_at)})
    if now >= session.ends_at:
        raise CheckInRefused("closed", _("This session is over."))


@transaction.atomic
def attendance_self_check_in(
    *, session: Session, client: Client, code: str, actor: Actor
) -> Registration:
    """A client in the room types the code shown by the facilitator."""
    _refuse_outside_window(session, session.check_in_opens_at)
    if not constant_time_compare(code.strip(), session.check_in_code):
        raise CheckInRefused("wrong_code", _("That code is not this session's code."))
    registration = (
        _registrations(session)
        .filter(session=session, client=client, status=RegistrationStatus.CONFIRMED)
        .first()
    )
    if registration is None:
        raise CheckInRefused(
            "not_registered", _("You do not have a confirmed seat in this session.")
        )
    _record_attendance(registration, mode=AttendanceMode.IN_PERSON, method=CheckInMethod.CODE)
    audit_log(
        agency=session.agency,
        actor=actor,
        action="attendance.self_check_in",
        obj=registration,
        client_id=client.pk,
    )
    return registration


@transaction.atomic
def attendance_record_join(*, registration: Registration, actor: Actor) -> Registration:
    """A client follows the platform's Join link: online attendance, then the meeting."""
    session = registration.session
    if registration.status != RegistrationStatus.CONFIRMED:
        raise CheckInRefused(
            "not_registered", _("You do not have a confirmed seat in this session.")
        )
    if registration.mode != AttendanceMode.ONLINE:
        raise CheckInRefused(
            "wrong_mode",
            _("Your seat is in the room. Switch to online first if you cannot come in person."),
        )
    _refuse_outside_window(session, session.join_opens_at)
    _record_attendance(registration, mode=AttendanceMode.ONLINE, method=CheckInMethod.JOIN_LINK)
    audit_log(
        agency=session.agency,
        actor=actor,
        action="attendance.join",
        obj=registration,
        client_id=registration.client_id,
    )
    return registration


# ---------------------------------------------------------------------------------------------
# Recordings and calendars

MAX_RECORDING_BYTES = 2 * 1024**3


@transaction.atomic
def recording_create(
    *,
    session: Session,
    actor: Actor,
    title: LazyI18nString,
    url: str = "",
    file: UploadedFile | None = None,
) -> Recording:
    if bool(url) == (file is not None):
        raise ValidationError(_("Give either a link or a file, not both."))
    if url and not url.startswith("https://"):
        raise ValidationError({"url": _("The link must start with https://.")})
    if file is not None and file.size is not None and file.size > MAX_RECORDING_BYTES:
        raise ValidationError({"file": _("The file is larger than 2 GB.")})
    recording = Recording(
        agency_id=session.agency_id,
        session=session,
        title=title,
        url=url,
        created_by=_person(actor),
    )
    if file is not None:
        recording.file = file
    recording.save()
    audit_log(agency=session.agency, actor=actor, action="recording.create", obj=recording)
    return recording


@transaction.atomic
def recording_delete(*, recording: Recording, actor: Actor) -> None:
    audit_log(
        agency=recording.session.agency, actor=actor, action="recording.delete", obj=recording
    )
    if recording.file:
        recording.file.delete(save=False)
    recording.delete()


def recording_record_view(*, recording: Recording, client: Client) -> RecordingView:
    return RecordingView.objects.with_scope(agency=recording.agency_id).create(
        agency_id=recording.agency_id, recording=recording, client=client
    )


def calendar_feed_for_client(*, client: Client) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.with_scope(agency=client.agency_id).get_or_create(
        client=client, defaults={"agency_id": client.agency_id}
    )
    return feed


@transaction.atomic
def calendar_feed_reset(*, client: Client, actor: Actor) -> CalendarFeed:
    """A new private address; the old one stops working (e.g. after sharing it by mistake)."""
    CalendarFeed.objects.with_scope(agency=client.agency_id).filter(client=client).delete()
    feed = calendar_feed_for_client(client=client)
    audit_log(
        agency=client.agency,
        actor=actor,
        action="calendar_feed.reset",
        obj=feed,
        client_id=client.pk,
    )
    return feed
