"""Reads of the reports app: the dashboards and the mode comparison, for an agency or a network.

Who sees what: an agency's administrators see their agency's figures as they are; the network
administrator sees aggregates over the member agencies with small cells suppressed (see
tables.py), never a person. Downloads are suppressed for everyone, since a file can leave the
agency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils.safestring import SafeString
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from tremplin.agencies.models import Agency, Network
from tremplin.clients.models import ArrivalStatus, Client, LocationType
from tremplin.programs.models import (
    AttendanceStatus,
    Program,
    Registration,
    RegistrationStatus,
    ServiceElement,
    ServiceType,
    SessionStatus,
)
from tremplin.reports.charts import Bar, bar_chart
from tremplin.reports.figures import (
    ATTENDED,
    EMPLOYED,
    MODES,
    NO_SHOW,
    Selection,
    report_queries,
    run_sources,
)
from tremplin.reports.suppression import suppress_column
from tremplin.reports.tables import (
    KEY_FIGURES,
    TABLES,
    Cell,
    ColumnSpec,
    Table,
    Value,
    build_table,
    format_value,
    threshold,
)
from tremplin.surveys.models import Answer, QuestionType, SurveyKind

MODE_LABELS = {
    "in_person": gettext_lazy("In person"),
    "online": gettext_lazy("Online"),
    "hybrid_room": gettext_lazy("Hybrid, in the room"),
    "hybrid_online": gettext_lazy("Hybrid, online"),
    "hybrid": gettext_lazy("Hybrid"),
}
DIMENSION_LABELS = {
    "mode": gettext_lazy("Delivery mode"),
    "location_type": gettext_lazy("Location type"),
    "arrival_status": gettext_lazy("Arrival status"),
    "language": gettext_lazy("Preferred language"),
    "program": gettext_lazy("Program"),
    "agency": gettext_lazy("Agency"),
}


@dataclass
class KeyFigure:
    label: str
    current: str
    previous: str
    change: str


@dataclass
class Dashboard:
    selection: Selection
    tables: list[Table]
    charts: dict[str, SafeString]
    key_figures: list[KeyFigure]
    suppressed: bool
    threshold: int
    network: bool
    notes: list[str] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def group_labels(*, by: str, agency_ids: list[int]) -> tuple[dict[Any, str], list[Any]]:
    """Labels of the groups of a breakdown, and the order of the known ones."""
    not_recorded = _("Not recorded")
    if by == "mode":
        return {k: str(v) for k, v in MODE_LABELS.items()}, list(MODES)
    if by == "location_type":
        labels = {value: str(label) for value, label in LocationType.choices}
        labels[""] = not_recorded
        return labels, [*LocationType.values, ""]
    if by == "arrival_status":
        labels = {value: str(label) for value, label in ArrivalStatus.choices}
        labels[""] = not_recorded
        return labels, [*ArrivalStatus.values, ""]
    if by == "language":
        return _LanguageLabels(), []
    with scopes_disabled():
        if by == "program":
            programs = Program.objects.filter(
                Q(agency_id__in=agency_ids) | Q(agency__isnull=True)
            ).only("id", "title")
            return {p.pk: str(p.title) for p in programs}, []
        if by == "agency":
            agencies = Agency.objects.filter(pk__in=agency_ids).order_by("slug")
            return {a.pk: str(a.name) for a in agencies}, [a.pk for a in agencies]
    return {}, []


class _LanguageLabels(dict):
    def get(self, key: Any, default: Any = None) -> str:  # type: ignore[override]
        return language_name(str(key)) if key else _("Not recorded")


def _change(column: ColumnSpec, cell: Cell) -> str:
    now, before = cell.current.shown, cell.previous.shown
    if now is None or before is None:
        return "—"
    if column.kind == "count":
        delta = int(now) - int(before)
        return f"{delta:+d}"
    if column.kind in ("rate", "nps"):
        return _("%(value)s pts") % {"value": f"{round(now - before):+d}"}
    return f"{now - before:+.1f}"


def dashboard(
    *,
    agency_ids: list[int],
    selection: Selection,
    network: bool,
    suppress: bool,
    limit_threshold: int | None = None,
) -> Dashboard:
    limit = limit_threshold if limit_threshold is not None else threshold()
    raw = run_sources(agency_ids=agency_ids, selection=selection, network=network)
    labels, order = group_labels(by=selection.by, agency_ids=agency_ids)
    total_label = _("Total")
    tables = [
        build_table(
            spec,
            raw,
            labels=labels,
            order=order,
            suppress=suppress,
            threshold=limit,
            total_label=total_label,
        )
        for spec in TABLES
    ]
    by_key = {t.key: t for t in tables}
    current_label, previous_label = _("This period"), _("Previous period")
    charts = {}
    for table in tables:
        column = next(c for c in table.columns if c.key == table.spec.chart)
        bars = [
            Bar(
                row.label,
                row.cell(column.key).current.shown,
                row.cell(column.key).previous.shown,
                row.cell(column.key).display,
                row.cell(column.key).previous_display,
            )
            for row in table.rows
        ]
        description = _(
            "%(figure)s by %(dimension)s, this period and the previous one: %(values)s."
        ) % {
            "figure": column.label,
            "dimension": str(DIMENSION_LABELS.get(selection.by, selection.by)).lower(),
            "values": "; ".join(
                f"{bar.label} {bar.current_text} ({bar.previous_text})" for bar in bars
            )
            or _("no data"),
        }
        charts[table.key] = table.chart = bar_chart(
            chart_id=f"chart-{table.key}",
            title=f"{table.spec.title}: {column.label}",
            description=description,
            bars=bars,
            current_label=current_label,
            previous_label=previous_label,
            scale_max=table.spec.scale_max,
        )
    key_figures = []
    for table_key, column_key in KEY_FIGURES:
        cell = by_key[table_key].total.cell(column_key)
        key_figures.append(
            KeyFigure(
                str(cell.column.label),
                cell.display,
                cell.previous_display,
                _change(cell.column, cell),
            )
        )
    notes = []
    unavailable = sorted({label for t in tables for label in t.unavailable})
    if unavailable:
        notes.append(
            _("Not available with these filters: %(figures)s.")
            % {"figures": ", ".join(unavailable)}
        )
    return Dashboard(
        selection=selection,
        tables=tables,
        charts=charts,
        key_figures=key_figures,
        suppressed=suppress,
        threshold=limit,
        network=network,
        notes=notes,
    )


def agency_ids_of_network(*, network: Network, agency: int | None = None) -> list[int]:
    agencies = Agency.objects.filter(network=network, is_active=True)
    if agency:
        agencies = agencies.filter(pk=agency)
    return list(agencies.values_list("pk", flat=True))


def language_choices(*, agency_ids: list[int]) -> list[tuple[str, str]]:
    with scopes_disabled():
        codes = (
            Client.objects.filter(agency_id__in=agency_ids)
            .exclude(preferred_language="")
            .values_list("preferred_language", flat=True)
            .distinct()
            .order_by()
        )
        return sorted(((code, language_name(code)) for code in codes), key=lambda c: c[1])


def program_choices(*, agency_ids: list[int], network: bool) -> list[tuple[int, str]]:
    with scopes_disabled():
        if network:
            programs = Program.objects.filter(
                agency__isnull=True, network__agencies__in=agency_ids
            ).distinct()
        else:
            programs = Program.objects.filter(agency_id__in=agency_ids)
        return [(p.pk, str(p.title)) for p in programs.order_by("id")]


# ---------------------------------------------------------------------------------------------
# Mode comparison

COMPARED_MODES = ("in_person", "online", "hybrid")
MIN_GROUP_TO_COMPARE = 10
MAX_COMPOSITION_GAP = 25  # percentage points


@dataclass
class ModeGroup:
    mode: str
    label: str
    clients: Value
    attendance_rate: Value
    rural_share: Value
    pre_arrival_share: Value
    followed: Value
    employed_rate: Value
    respondents: Value
    satisfaction: Value

    @property
    def shown(self) -> dict[str, str]:
        return {
            name: self.display(name)
            for name in (
                "clients",
                "attendance_rate",
                "rural_share",
                "pre_arrival_share",
                "followed",
                "employed_rate",
                "respondents",
                "satisfaction",
            )
        }

    def display(self, name: str) -> str:
        kinds = {
            "clients": "count",
            "followed": "count",
            "respondents": "count",
            "satisfaction": "mean",
        }
        column = ColumnSpec(name, "", "", kinds.get(name, "rate"))
        return format_value(column, getattr(self, name))


@dataclass
class ElementComparison:
    service_type: str
    label: str
    groups: list[ModeGroup]
    note: str
    staff_rating: Value
    staff_respondents: Value

    @property
    def staff_display(self) -> str:
        return format_value(ColumnSpec("s", "", "", "mean"), self.staff_rating)


def _note(groups: list[ModeGroup]) -> str:
    taken = [g for g in groups if (g.clients.number or 0) > 0]
    if len(taken) < 2:
        return _("Offered in only one way in this period: there is nothing to compare.")
    if any(g.clients.hidden or (g.clients.number or 0) < MIN_GROUP_TO_COMPARE for g in taken):
        return _(
            "At least one group has fewer than %(n)d clients: too few to compare, differences this size can happen by chance."
        ) % {"n": MIN_GROUP_TO_COMPARE}
    for attribute in ("rural_share", "pre_arrival_share"):
        shares = [getattr(g, attribute).shown for g in taken]
        known = [s for s in shares if s is not None]
        if len(known) >= 2 and max(known) - min(known) > MAX_COMPOSITION_GAP:
            if attribute == "rural_share":
                return _(
                    "The groups are too different to compare fairly: the share of clients living in rural or remote places differs by more than %(gap)d points, so differences may come from who the clients are rather than from the mode."
                ) % {"gap": MAX_COMPOSITION_GAP}
            return _(
                "The groups are too different to compare fairly: the share of clients not yet in Canada differs by more than %(gap)d points, so differences may come from who the clients are rather than from the mode."
            ) % {"gap": MAX_COMPOSITION_GAP}
    return _("The groups are large and alike enough to compare.")


def mode_comparison(
    *,
    agency_ids: list[int],
    selection: Selection,
    suppress: bool,
    limit_threshold: int | None = None,
) -> list[ElementComparison]:
    """For each kind of service element: clients who took it in person, online or hybrid, their
    attendance, employment at 6 months and satisfaction, with the staff's rating of delivering
    it virtually. Grouped queries: one over registrations, one over outcomes, one over answers
    per element type, one over the staff survey."""
    limit = limit_threshold if limit_threshold is not None else threshold()
    start, end = selection.period.bounds()
    with report_queries():
        registrations = Registration.objects.filter(
            agency_id__in=agency_ids,
            status=RegistrationStatus.CONFIRMED,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        ).exclude(session__status=SessionStatus.CANCELLED)
        # The reader's filters on who the clients are (the mode is what is compared).
        filters = selection.active_filters()
        client_filters = {
            f"client__{'preferred_language' if name == 'language' else name}": value
            for name, value in filters.items()
            if name in ("location_type", "arrival_status", "language")
        }
        cohort_filters: dict[str, Any] = {
            f"response__{name}": value
            for name, value in filters.items()
            if name in ("location_type", "arrival_status", "language")
        }
        if "program" in filters:
            program = int(filters["program"])
            registrations = registrations.filter(
                Q(session__element__program_id=program)
                | Q(session__element__program__template_id=program)
            )
            answers_program = Q(response__program_id=program) | Q(
                response__program__template_id=program
            )
        else:
            answers_program = Q()
        registrations = registrations.filter(**client_filters)
        key = ("session__element__service_type", "session__delivery_mode")
        attendance = {
            (r[key[0]], r[key[1]]): r
            for r in registrations.values(*key)
            .annotate(
                clients=Count("client_id", distinct=True, filter=ATTENDED),
                attended=Count("id", filter=ATTENDED),
                no_shows=Count("id", filter=NO_SHOW),
                rural=Count(
                    "client_id",
                    distinct=True,
                    filter=ATTENDED & Q(client__location_type__in=["rural", "remote"]),
                ),
                pre_arrival=Count(
                    "client_id",
                    distinct=True,
                    filter=ATTENDED & Q(client__arrival_status=ArrivalStatus.PRE_ARRIVAL),
                ),
            )
            .order_by()
        }
        type_totals = {
            r["session__element__service_type"]: r["clients"]
            for r in registrations.values("session__element__service_type")
            .annotate(clients=Count("client_id", distinct=True, filter=ATTENDED))
            .order_by()
        }
        outcomes = {
            (r[key[0]], r[key[1]]): r
            for r in registrations.filter(
                attendance=AttendanceStatus.ATTENDED, client__outcomes__follow_up_months=6
            )
            .values(*key)
            .annotate(
                followed=Count("client_id", distinct=True),
                employed=Count(
                    "client_id",
                    distinct=True,
                    filter=Q(client__outcomes__outcome_type__in=EMPLOYED),
                ),
            )
            .order_by()
        }
        answers = Answer.objects.filter(
            answers_program,
            agency_id__in=agency_ids,
            response__submitted_at__gte=start,
            response__submitted_at__lt=end,
            response__survey__audience="clients",
            question__question_type=QuestionType.LIKERT,
            number__isnull=False,
            **cohort_filters,
        )
        satisfaction: dict[tuple[str, str], dict[str, Any]] = {}
        for service_type in type_totals:
            offered = ServiceElement.objects.filter(
                program_id=OuterRef("response__program_id"), service_type=service_type
            )
            for r in (
                answers.filter(Exists(offered))
                .values("response__delivery_mode")
                .annotate(mean=Avg("number"), respondents=Count("response_id", distinct=True))
                .order_by()
            ):
                satisfaction[(service_type, r["response__delivery_mode"])] = r
        staff = {
            r["question__service_type"]: r
            for r in Answer.objects.filter(
                agency_id__in=agency_ids,
                response__submitted_at__gte=start,
                response__submitted_at__lt=end,
                response__survey__kind=SurveyKind.STAFF_VIRTUAL,
                question__question_type=QuestionType.LIKERT,
                number__isnull=False,
            )
            .exclude(question__service_type="")
            .values("question__service_type")
            .annotate(mean=Avg("number"), respondents=Count("response_id", distinct=True))
            .order_by()
        }
    comparisons = []
    labels = dict(ServiceType.choices)
    for service_type in [t for t in ServiceType.values if t in type_totals or t in staff]:
        clients = [
            int(attendance.get((service_type, m), {}).get("clients", 0)) for m in COMPARED_MODES
        ]
        hidden = [False] * len(clients)
        if suppress:
            hidden, _total_hidden = suppress_column(
                clients, total=int(type_totals.get(service_type, 0)), threshold=limit
            )
        groups = []
        for index, mode in enumerate(COMPARED_MODES):
            row = attendance.get((service_type, mode), {})
            is_hidden = hidden[index]
            n = clients[index]
            recorded = (row.get("attended") or 0) + (row.get("no_shows") or 0)
            outcome = outcomes.get((service_type, mode), {})
            followed = outcome.get("followed") or 0
            answer = satisfaction.get((service_type, mode), {})
            respondents = answer.get("respondents") or 0
            small_followed = suppress and 0 < followed < limit
            small_answers = suppress and 0 < respondents < limit
            groups.append(
                ModeGroup(
                    mode=mode,
                    label=str(MODE_LABELS[mode]),
                    clients=Value(n, is_hidden),
                    attendance_rate=Value(
                        100 * row["attended"] / recorded if recorded else None, is_hidden
                    ),
                    rural_share=Value(100 * row["rural"] / n if n else None, is_hidden),
                    pre_arrival_share=Value(100 * row["pre_arrival"] / n if n else None, is_hidden),
                    followed=Value(followed, is_hidden or small_followed),
                    employed_rate=Value(
                        100 * outcome["employed"] / followed if followed else None,
                        is_hidden or small_followed,
                    ),
                    respondents=Value(respondents, small_answers),
                    satisfaction=Value(answer.get("mean"), small_answers),
                )
            )
        staff_row = staff.get(service_type, {})
        staff_n = staff_row.get("respondents") or 0
        staff_small = suppress and 0 < staff_n < limit
        comparisons.append(
            ElementComparison(
                service_type=service_type,
                label=str(labels[service_type]),
                groups=groups,
                note=_note(groups),
                staff_rating=Value(staff_row.get("mean"), staff_small),
                staff_respondents=Value(staff_n, staff_small),
            )
        )
    return comparisons
