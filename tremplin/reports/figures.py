"""The figures of the dashboards: one grouped query per source of data, never a loop over rows.

A *source* is a queryset of one kind of row (registrations, intakes, sessions, recording views,
enrolments, survey answers, survey invitations, follow-up outcomes) with:
- the timestamp that places a row in a period;
- how each breakdown dimension (mode, location type, arrival status, language, program,
  agency) reads on that row — or None when the dimension means nothing for it (a session
  has no arrival status);
- its measures, as aggregates.

Each source runs one query grouped by (period, group) — the current and the previous period
come out of the same query — and, when its measures are not additive (distinct people,
medians), one more query grouped by period alone for the totals.

Everything here is read across the agencies given explicitly (`agency_ids`): queries run with
django-scopes disabled and always filter on the agency, so the network dashboard can add up
its members and an agency's dashboard reads only its own rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    Expression,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled

from tremplin.clients.models import Client
from tremplin.learning.models import Enrolment
from tremplin.outcomes.models import EmploymentType, Outcome, OutcomeType
from tremplin.programs.models import (
    AttendanceStatus,
    RecordingView,
    Registration,
    RegistrationStatus,
    Session,
    SessionStatus,
)
from tremplin.reports.dbfunctions import DaysBetween, Median
from tremplin.surveys.models import Answer, Invitation, InvitationStatus, QuestionType

DIMENSIONS = ("mode", "location_type", "arrival_status", "language", "program", "agency")
FILTERS = ("mode", "location_type", "arrival_status", "language", "program", "agency")
FOLLOW_UPS = (3, 6, 12)
# Each client is in exactly one group of these breakdowns.
CLIENT_GROUPS = ("location_type", "arrival_status", "language", "agency")
EMPLOYED = (OutcomeType.HIRED, OutcomeType.SELF_EMPLOYED)
ATTENDED = Q(attendance=AttendanceStatus.ATTENDED)
NO_SHOW = Q(attendance=AttendanceStatus.NO_SHOW)

# Modes of attendance: a hybrid session is attended in the room or online.
MODES = ("in_person", "online", "hybrid_room", "hybrid_online", "hybrid")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes in the current time zone."""
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )


@dataclass(frozen=True)
class Selection:
    """What the reader asked for: the period, the breakdown and the filters."""

    period: Period
    by: str = "mode"
    filters: Mapping[str, str] = field(default_factory=dict)

    def active_filters(self) -> dict[str, str]:
        return {k: v for k, v in self.filters.items() if v not in ("", None)}


@dataclass
class Raw:
    """What one source returned: measures per (period, group) and per period."""

    groups: dict[tuple[int, Any], dict[str, float | None]]
    totals: dict[int, dict[str, float | None]]
    available: bool = True  # False: a filter or the breakdown means nothing for this source
    grouped: bool = True


CURRENT, PREVIOUS = 1, 0


def _mode4() -> Case:
    return Case(
        When(session__delivery_mode="in_person", then=Value("in_person")),
        When(session__delivery_mode="online", then=Value("online")),
        When(
            Q(attended_mode="online") | Q(attended_mode="", mode="online"),
            then=Value("hybrid_online"),
        ),
        default=Value("hybrid_room"),
        output_field=CharField(),
    )


def _program(path: str, network: bool) -> Expression | str:
    """A program as the group: across agencies, adoptions of one network template are one."""
    if network:
        return Coalesce(F(f"{path}__template_id"), F(f"{path}_id"))
    return f"{path}_id"


def _client_dims(prefix: str, language: str = "preferred_language") -> dict[str, Any]:
    return {
        "location_type": f"{prefix}location_type",
        "arrival_status": f"{prefix}arrival_status",
        "language": f"{prefix}{language}",
    }


@dataclass(frozen=True)
class Source:
    name: str
    queryset: Callable[[], QuerySet[Any]]
    timestamp: str
    dims: Callable[[bool], dict[str, Any]]
    measures: Callable[[], dict[str, Aggregate]]
    additive: bool
    # Breakdowns whose groups never share a row's person: distinct counts then add up, and
    # the totals come from the groups without a second query (no medians in the source).
    disjoint: tuple[str, ...] = ()
    is_date: bool = False  # the timestamp is a DateField
    # How a filter value reads for this source, when its values differ (modes of sessions).
    mode_values: Callable[[str], list[str]] = lambda mode: [mode]


def _session_mode_values(mode: str) -> list[str]:
    return ["hybrid"] if mode.startswith("hybrid") else [mode]


def _cohort_mode_values(mode: str) -> list[str]:
    return ["hybrid"] if mode.startswith("hybrid") else [mode]


def _registration_measures() -> dict[str, Aggregate]:
    attended = ATTENDED
    return {
        "participants": Count("client_id", distinct=True, filter=attended),
        "pre_arrival": Count(
            "client_id", distinct=True, filter=attended & Q(client__arrival_status="pre_arrival")
        ),
        "attended": Count("id", filter=attended),
        "no_shows": Count("id", filter=NO_SHOW),
        "att_in_person": Count("id", filter=attended & Q(session__delivery_mode="in_person")),
        "att_online": Count("id", filter=attended & Q(session__delivery_mode="online")),
        "att_hybrid_room": Count(
            "id",
            filter=attended
            & Q(session__delivery_mode="hybrid")
            & ~(Q(attended_mode="online") | Q(attended_mode="", mode="online")),
        ),
        "att_hybrid_online": Count(
            "id",
            filter=attended
            & Q(session__delivery_mode="hybrid")
            & (Q(attended_mode="online") | Q(attended_mode="", mode="online")),
        ),
    }


def _outcome_measures() -> dict[str, Aggregate]:
    measures: dict[str, Aggregate] = {}
    for months in FOLLOW_UPS:
        at = Q(follow_up_months=months)
        employed = at & Q(outcome_type__in=EMPLOYED)
        measures[f"followed_{months}"] = Count("client_id", distinct=True, filter=at)
        measures[f"employed_{months}"] = Count("client_id", distinct=True, filter=employed)
        measures[f"in_field_{months}"] = Count(
            "client_id", distinct=True, filter=employed & Q(in_field=True)
        )
        measures[f"full_time_{months}"] = Count(
            "client_id",
            distinct=True,
            filter=employed & Q(employment_type=EmploymentType.FULL_TIME),
        )
    return measures


def _answer_measures() -> dict[str, Aggregate]:
    likert = Q(question__question_type=QuestionType.LIKERT, number__isnull=False)
    nps = Q(question__question_type=QuestionType.NPS, number__isnull=False)
    return {
        "respondents": Count("response_id", distinct=True),
        "likert_n": Count("id", filter=likert),
        "likert_sum": Sum("number", filter=likert),
        "agree": Count("id", filter=likert & Q(number__gte=4)),
        "nps_n": Count("id", filter=nps),
        "promoters": Count("id", filter=nps & Q(number__gte=9)),
        "detractors": Count("id", filter=nps & Q(number__lte=6)),
    }


def _cohort_dims(network: bool) -> dict[str, Any]:
    return {
        "mode": "response__delivery_mode",
        **_client_dims("response__", language="language"),
        "program": _program("response__program", network),
        "agency": "agency_id",
    }


SOURCES: tuple[Source, ...] = (
    Source(
        name="registrations",
        queryset=lambda: Registration.objects.filter(status=RegistrationStatus.CONFIRMED).exclude(
            session__status=SessionStatus.CANCELLED
        ),
        timestamp="session__starts_at",
        dims=lambda network: {
            "mode": _mode4(),
            **_client_dims("client__"),
            "program": _program("session__element__program", network),
            "agency": "agency_id",
        },
        measures=_registration_measures,
        additive=False,
        disjoint=CLIENT_GROUPS,
    ),
    Source(
        name="intakes",
        queryset=lambda: Client.objects.filter(intake_completed_at__isnull=False),
        timestamp="intake_completed_at",
        dims=lambda network: {**_client_dims(""), "agency": "agency_id"},
        measures=lambda: {
            "intakes": Count("id"),
            # From the summary table (services.first_services_refresh).
            "to_first_service": Median(
                DaysBetween(F("first_service__first_service_at"), F("intake_completed_at"))
            ),
        },
        additive=False,
    ),
    Source(
        name="sessions",
        queryset=lambda: Session.objects.exclude(status=SessionStatus.CANCELLED).filter(
            ends_at__lte=timezone.now()
        ),
        timestamp="starts_at",
        dims=lambda network: {
            "mode": "delivery_mode",
            "program": _program("element__program", network),
            "agency": "agency_id",
        },
        measures=lambda: {"sessions": Count("id")},
        additive=True,
        mode_values=_session_mode_values,
    ),
    Source(
        name="recordings",
        queryset=lambda: RecordingView.objects.all(),
        timestamp="viewed_at",
        dims=lambda network: {
            **_client_dims("client__"),
            "program": _program("recording__session__element__program", network),
            "agency": "agency_id",
        },
        measures=lambda: {
            "views": Count("id"),
            "viewers": Count("client_id", distinct=True),
        },
        additive=False,
        disjoint=CLIENT_GROUPS,
    ),
    Source(
        name="learning",
        queryset=lambda: Enrolment.objects.filter(client__isnull=False),
        timestamp="created_at",
        dims=lambda network: {**_client_dims("client__"), "agency": "agency_id"},
        measures=lambda: {
            "enrolments": Count("id"),
            "completions": Count("id", filter=Q(completed_at__isnull=False)),
            "days_to_complete": Median(DaysBetween(F("completed_at"), F("created_at"))),
        },
        additive=False,
    ),
    Source(
        name="answers",
        queryset=lambda: Answer.objects.filter(response__survey__audience="clients"),
        timestamp="response__submitted_at",
        dims=_cohort_dims,
        measures=_answer_measures,
        additive=False,
        disjoint=DIMENSIONS,  # a response belongs to one group of each breakdown
        mode_values=_cohort_mode_values,
    ),
    Source(
        name="invitations",
        queryset=lambda: Invitation.objects.filter(
            survey__audience="clients", sent_at__isnull=False
        ),
        timestamp="sent_at",
        dims=lambda network: {
            "mode": "delivery_mode",
            **_client_dims("", language="language"),
            "program": _program("program", network),
            "agency": "agency_id",
        },
        measures=lambda: {
            "invited": Count("id"),
            "answered": Count("id", filter=Q(status=InvitationStatus.COMPLETED)),
        },
        additive=True,
        mode_values=_cohort_mode_values,
    ),
    Source(
        name="outcomes",
        queryset=lambda: Outcome.objects.filter(follow_up_months__in=FOLLOW_UPS),
        timestamp="recorded_on",
        dims=lambda network: {
            **_client_dims("client__"),
            "program": _program("program", network),
            "agency": "agency_id",
        },
        measures=_outcome_measures,
        additive=False,
        disjoint=CLIENT_GROUPS,
        is_date=True,
    ),
)
SOURCE_BY_NAME = {source.name: source for source in SOURCES}


def _rows(queryset: QuerySet[Any], keys: list[str], measures: dict[str, Aggregate]):
    return queryset.values(*keys).annotate(**measures).order_by()


def run_source(
    source: Source, *, agency_ids: list[int], selection: Selection, network: bool
) -> Raw:
    """The measures of one source for the current and previous periods, per group and in total."""
    dims = source.dims(network)
    active = selection.active_filters()
    if any(name not in dims for name in active):
        return Raw({}, {}, available=False)
    current, previous = selection.period, selection.period.previous
    if source.is_date:
        start, cur_start, end = previous.start, current.start, current.end + timedelta(days=1)
    else:
        start, cur_start = previous.bounds()[0], current.bounds()[0]
        end = current.bounds()[1]
    ts = source.timestamp
    queryset = source.queryset().filter(
        **{"agency_id__in": agency_ids, f"{ts}__gte": start, f"{ts}__lt": end}
    )
    for name, value in active.items():
        expression = dims[name]
        values: list[Any] = source.mode_values(value) if name == "mode" else [value]
        if name in ("program", "agency"):
            values = [int(v) for v in values]
        alias = f"_f_{name}"
        target = expression if not isinstance(expression, str) else F(expression)
        queryset = queryset.alias(**{alias: target}).filter(**{f"{alias}__in": values})
    queryset = queryset.annotate(
        _p=Case(
            When(**{f"{ts}__gte": cur_start}, then=Value(CURRENT)),
            default=Value(PREVIOUS),
            output_field=IntegerField(),
        )
    )
    measures = source.measures()
    groups: dict[tuple[int, Any], dict[str, float | None]] = {}
    grouped = selection.by in dims
    if grouped:
        expression = dims[selection.by]
        target = expression if not isinstance(expression, str) else F(expression)
        for row in _rows(queryset.annotate(_g=target), ["_p", "_g"], measures):
            groups[(row.pop("_p"), row.pop("_g"))] = row
    totals: dict[int, dict[str, Any]] = {}
    if grouped and (source.additive or selection.by in source.disjoint):
        for (period, _group), measured in groups.items():
            bucket: dict[str, Any] = totals.setdefault(period, dict.fromkeys(measured, 0))
            for key, number in measured.items():
                bucket[key] = (bucket[key] or 0) + (number or 0)
    else:
        for row in _rows(queryset, ["_p"], measures):
            totals[row.pop("_p")] = row
    return Raw(groups, totals, available=True, grouped=grouped)


@contextmanager
def report_queries() -> Iterator[None]:
    """Read across agencies, in one transaction (PostgreSQL's JIT is off for every connection:
    config/settings.py)."""
    with scopes_disabled(), transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Grouping with distinct counts sorts ~100k rows: keep the sort in memory.
                cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


def run_sources(
    *, agency_ids: list[int], selection: Selection, network: bool, names: tuple[str, ...] = ()
) -> dict[str, Raw]:
    with report_queries():
        return {
            source.name: run_source(
                source, agency_ids=agency_ids, selection=selection, network=network
            )
            for source in SOURCES
            if not names or source.name in names
        }
