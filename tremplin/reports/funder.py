"""The monthly funder export, shaped like the settlement program's bulk upload templates.

What goes in each column is data, not code: `mappings/<version>.yaml` names, for each template,
its columns (machine name, label, where the value comes from, its code list, whether it is
required or must fall in the month). This module gathers the values each `source` names, with
a few queries per template, then maps and validates every row. Rows the funder would reject
are listed with a link to fix them and left out of the file — never sent silently.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from tremplin.agencies.models import Agency, Location, LocationKind
from tremplin.clients.models import (
    Client,
    ClientNeed,
    ConsentPurpose,
    ConsentRecord,
    NeedsAssessment,
    Referral,
)
from tremplin.programs.models import (
    AttendanceStatus,
    Registration,
    RegistrationStatus,
    ServiceType,
    Session,
    SessionStatus,
)

MAPPINGS_DIR = Path(__file__).parent / "mappings"
FIRST_DATA_ROW = 4
SHORT_TERM_SLOTS = 5
EMPLOYMENT_SERVICES = (
    ServiceType.COUNSELLING,
    ServiceType.JOB_SEARCH,
    ServiceType.NETWORKING,
    ServiceType.HIRING_EVENT,
    ServiceType.WORKSHOP,
    ServiceType.MENTORING,
)
LONG_TERM = (ServiceType.MENTORING,)
GROUP_ACTIVITIES = (ServiceType.WORKSHOP, ServiceType.NETWORKING, ServiceType.HIRING_EVENT)
# Our needs → the template's need domains (health covers mental health).
NEED_DOMAINS = {
    "employment": ("employment",),
    "language": ("language",),
    "credentials": ("credentials",),
    "childcare": ("childcare",),
    "transportation": ("transportation",),
    "housing": ("housing",),
    "health": ("health", "mental_health"),
    "financial": ("financial",),
    "legal": ("legal",),
}


@lru_cache(maxsize=1)
def load_mappings() -> dict[str, dict[str, Any]]:
    """Every mapping file of the package, by version."""
    mappings = {}
    for path in sorted(MAPPINGS_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        mappings[data["version"]] = data
    return mappings


def template_choices() -> list[tuple[str, str]]:
    return [
        (f"{version}:{key}", f"{template['title']} ({data['name']})")
        for version, data in load_mappings().items()
        for key, template in data["templates"].items()
    ]


@dataclass
class ExportRow:
    values: list[Any]
    client_id: int | None = None
    label: str = ""
    problems: list[str] = field(default_factory=list)
    fix_url: str = ""
    number: int = 0  # its row in the file if it were kept


@dataclass
class FunderExport:
    version: str
    template_key: str
    template: dict[str, Any]
    month: date
    rows: list[ExportRow]

    @property
    def columns(self) -> list[dict[str, Any]]:
        return self.template["columns"]

    @property
    def valid_rows(self) -> list[ExportRow]:
        return [row for row in self.rows if not row.problems]

    @property
    def rejected_rows(self) -> list[ExportRow]:
        return [row for row in self.rows if row.problems]

    @property
    def filename(self) -> str:
        return f"{self.version}-{self.template_key}-{self.month:%Y-%m}"


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def _aware(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def _agency_postal_code(agency: Agency) -> str:
    location = (
        Location.objects.filter(agency=agency)
        .exclude(postal_code="")
        .exclude(kind=LocationKind.ONLINE)
        .order_by("id")
        .first()
    )
    return location.postal_code.replace(" ", "").upper() if location else ""


def _clients(agency: Agency, ids: set[int]) -> dict[int, dict[str, Any]]:
    consent = (
        ConsentRecord.objects.filter(
            client=OuterRef("pk"), purpose=ConsentPurpose.ANONYMOUS_REPORTING
        )
        .order_by("-recorded_at", "-id")
        .values("given")[:1]
    )
    rows = (
        Client.objects.filter(agency=agency, pk__in=ids)
        .annotate(research_consent=Subquery(consent))
        .values(
            "id",
            "first_name",
            "last_name",
            "birth_date",
            "preferred_language",
            "noc_code",
            "research_consent",
            "funder_profile__identifier_type",
            "funder_profile__identifier_value",
        )
    )
    found = {}
    for row in rows:
        found[row["id"]] = {
            "client.identifier_type": row["funder_profile__identifier_type"] or "",
            "client.identifier_value": row["funder_profile__identifier_value"] or "",
            "client.birth_date": row["birth_date"],
            "client.preferred_language": row["preferred_language"] or "",
            "client.noc_code": row["noc_code"] or "",
            "client.research_consent": "yes" if row["research_consent"] else "no",
            "_name": f"{row['first_name']} {row['last_name']}",
        }
    return found


def _served_client_ids(agency: Agency, first: date, last: date) -> set[int]:
    start, end = _aware(first), _aware(last + timedelta(days=1))
    attended = Registration.objects.filter(
        agency=agency,
        attendance=AttendanceStatus.ATTENDED,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
    ).values_list("client_id", flat=True)
    intakes = Client.objects.filter(
        agency=agency, intake_completed_at__gte=start, intake_completed_at__lt=end
    ).values_list("id", flat=True)
    assessed = NeedsAssessment.objects.filter(
        agency=agency, created_at__gte=start, created_at__lt=end
    ).values_list("client_id", flat=True)
    return set(attended) | set(intakes) | set(assessed)


def _client_profile(agency: Agency, first: date, last: date) -> list[dict[str, Any]]:
    clients = _clients(agency, _served_client_ids(agency, first, last))
    postal = _agency_postal_code(agency)
    return [
        {"_client": pk, **context, "agency.postal_code": postal}
        for pk, context in sorted(clients.items(), key=lambda item: item[1]["_name"])
    ]


def _needs_assessment(agency: Agency, first: date, last: date) -> list[dict[str, Any]]:
    start, end = _aware(first), _aware(last + timedelta(days=1))
    assessments = list(
        NeedsAssessment.objects.filter(agency=agency, created_at__gte=start, created_at__lt=end)
        .order_by("created_at", "id")
        .values("id", "client_id", "created_at")
    )
    needs: dict[int, set[str]] = defaultdict(set)
    for need in ClientNeed.objects.filter(
        agency=agency, assessment_id__in=[a["id"] for a in assessments]
    ).values("assessment_id", "need"):
        needs[need["assessment_id"]].add(need["need"])
    referred: dict[int, set[str]] = defaultdict(set)
    for referral in Referral.objects.filter(
        agency=agency,
        client_id__in={a["client_id"] for a in assessments},
        made_on__gte=first,
        made_on__lte=last,
    ).values("client_id", "need"):
        referred[referral["client_id"]].add(referral["need"])
    clients = _clients(agency, {a["client_id"] for a in assessments})
    postal = _agency_postal_code(agency)
    rows = []
    for assessment in assessments:
        context = {
            "_client": assessment["client_id"],
            **clients.get(assessment["client_id"], {}),
            "agency.postal_code": postal,
            "assessment.date": _local_date(assessment["created_at"]),
            "assessment.plan_completed": "yes" if needs[assessment["id"]] else "no",
        }
        for domain, ours in NEED_DOMAINS.items():
            has_need = bool(needs[assessment["id"]] & set(ours))
            has_referral = bool(referred[assessment["client_id"]] & set(ours))
            context[f"need.{domain}"] = "yes" if has_need else "no"
            context[f"referral.{domain}"] = "yes" if has_referral else "no"
        rows.append(context)
    return rows


def _employment_services(agency: Agency, first: date, last: date) -> list[dict[str, Any]]:
    start, end = _aware(first), _aware(last + timedelta(days=1))
    attended = (
        Registration.objects.filter(
            agency=agency,
            attendance=AttendanceStatus.ATTENDED,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
            session__element__service_type__in=EMPLOYMENT_SERVICES,
        )
        .order_by("client_id", "session__starts_at", "id")
        .values(
            "client_id",
            "session__starts_at",
            "session__ends_at",
            "session__element__service_type",
            "session__language",
            "session__delivery_mode",
            "attended_mode",
        )
    )
    per_client: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in attended:
        per_client[row["client_id"]].append(dict(row))
    clients = _clients(agency, set(per_client))
    postal = _agency_postal_code(agency)
    rows = []
    for client_id, services in per_client.items():
        minutes = sum(
            int((s["session__ends_at"] - s["session__starts_at"]).total_seconds() // 60)
            for s in services
        )
        long_term = [s for s in services if s["session__element__service_type"] in LONG_TERM]
        short_term = [s for s in services if s["session__element__service_type"] not in LONG_TERM]
        first_service = services[0]
        online = first_service["session__delivery_mode"] == "online" or (
            first_service["attended_mode"] == "online"
        )
        context: dict[str, Any] = {
            "_client": client_id,
            **clients.get(client_id, {}),
            "agency.postal_code": postal,
            "services.language": first_service["session__language"],
            "services.mode": "online" if online else "in_person",
            "services.intervention_type": "long_term" if long_term else "short_term",
            "services.hours": minutes // 60,
            "services.minutes": minutes % 60,
        }
        if long_term:
            long_minutes = sum(
                int((s["session__ends_at"] - s["session__starts_at"]).total_seconds() // 60)
                for s in long_term
            )
            context["long_term.type"] = long_term[0]["session__element__service_type"]
            context["long_term.start_date"] = _local_date(long_term[0]["session__starts_at"])
            context["long_term.hours"] = round(long_minutes / 60)
        for slot, service in enumerate(short_term[:SHORT_TERM_SLOTS], start=1):
            context[f"short_term[{slot}].service"] = service["session__element__service_type"]
            context[f"short_term[{slot}].date"] = _local_date(service["session__starts_at"])
        rows.append(context)
    rows.sort(key=lambda c: c.get("_name", ""))
    return rows


def _participants_band(count: int) -> str:
    if count < 10:
        return "under_10"
    return "10_to_20" if count <= 20 else "over_20"


def _community_connections(agency: Agency, first: date, last: date) -> list[dict[str, Any]]:
    start, end = _aware(first), _aware(last + timedelta(days=1))
    sessions = (
        Session.objects.filter(
            agency=agency,
            starts_at__gte=start,
            starts_at__lt=end,
            element__service_type__in=GROUP_ACTIVITIES,
        )
        .exclude(status=SessionStatus.CANCELLED)
        .annotate(
            participants=Count(
                "registrations",
                filter=Q(
                    registrations__status=RegistrationStatus.CONFIRMED,
                    registrations__attendance=AttendanceStatus.ATTENDED,
                ),
            )
        )
        .filter(participants__gt=0)
        .select_related("element", "location")
        .order_by("starts_at", "id")
    )
    postal = _agency_postal_code(agency)
    rows = []
    for session in sessions:
        location_postal = session.location.postal_code if session.location else ""
        rows.append(
            {
                "_session": session.pk,
                "_name": str(session.title),
                "activity.title": str(session.title),
                "activity.service_type": session.element.service_type,
                "activity.delivery_mode": session.delivery_mode,
                "activity.participants": _participants_band(session.participants),
                "activity.status": "completed" if session.has_ended else "",
                "activity.start_date": _local_date(session.starts_at),
                "activity.end_date": _local_date(session.ends_at),
                "activity.postal_code": (location_postal or postal).replace(" ", "").upper(),
            }
        )
    return rows


BUILDERS = {
    "client_profile": _client_profile,
    "needs_assessment": _needs_assessment,
    "employment_services": _employment_services,
    "community_connections": _community_connections,
}


def _map_row(
    context: dict[str, Any],
    template: dict[str, Any],
    codes: dict[str, dict[str, str]],
    first: date,
    last: date,
) -> tuple[list[Any], list[str]]:
    values: list[Any] = []
    problems: list[str] = []
    for column in template["columns"]:
        source = column["source"]
        raw = "" if source == "blank" else context.get(source)
        label = column["label"]
        if raw in (None, ""):
            if column.get("required"):
                problems.append(_("%(column)s is missing.") % {"column": label})
            values.append("")
            continue
        if column.get("in_month") and isinstance(raw, date) and not first <= raw <= last:
            problems.append(_("%(column)s is outside the month.") % {"column": label})
        if "codes" in column:
            code_list = codes[column["codes"]]
            code = code_list.get(str(raw), code_list.get("_other"))
            if code is None:
                problems.append(
                    _("%(column)s: “%(value)s” has no code in the funder's list.")
                    % {"column": label, "value": raw}
                )
                values.append("")
                continue
            values.append(code)
        else:
            values.append(raw)
    return values, problems


def funder_export(*, agency: Agency, template_id: str, month: date) -> FunderExport:
    """Every row of one template for one month, mapped and checked."""
    version, _sep, key = template_id.partition(":")
    mapping = load_mappings()[version]
    template = mapping["templates"][key]
    first, last = month_bounds(month)
    with scopes_disabled():
        contexts = BUILDERS[key](agency, first, last)
        accepted_profiles: set[int] | None = None
        if template.get("client_rows"):
            profile_template = mapping["templates"]["client_profile"]
            accepted_profiles = set()
            for context in _client_profile(agency, first, last):
                _values, problems = _map_row(
                    context, profile_template, mapping["codes"], first, last
                )
                if not problems:
                    accepted_profiles.add(context["_client"])
    rows = []
    for context in contexts:
        values, problems = _map_row(context, template, mapping["codes"], first, last)
        client_id = context.get("_client")
        if accepted_profiles is not None and client_id not in accepted_profiles:
            problems.append(
                _(
                    "The client's profile is missing from this month's Client Profile or would be rejected: fix the profile first."
                )
            )
        row = ExportRow(
            values, client_id=client_id, label=context.get("_name", ""), problems=problems
        )
        if client_id is not None:
            missing_identifier = not context.get("client.identifier_value") or not context.get(
                "client.identifier_type"
            )
            name = "reports:funder_profile" if missing_identifier else "clients:detail"
            row.fix_url = reverse(name, kwargs={"agency_slug": agency.slug, "client_id": client_id})
        elif context.get("_session"):
            row.fix_url = reverse(
                "programs:staff_session",
                kwargs={"agency_slug": agency.slug, "session_id": context["_session"]},
            )
        rows.append(row)
    number = FIRST_DATA_ROW
    for row in rows:
        if not row.problems:
            row.number = number
            number += 1
    return FunderExport(version, key, template, month, rows)


def _header(export: FunderExport) -> list[list[str]]:
    return [
        [export.template["title"]],
        [c["machine"] for c in export.columns],
        [c["label"] for c in export.columns],
    ]


def export_csv(export: FunderExport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in _header(export):
        writer.writerow(line)
    for row in export.valid_rows:
        writer.writerow([v.isoformat() if isinstance(v, date) else v for v in row.values])
    return out.getvalue()


def export_xlsx(export: FunderExport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = export.template["title"][:31]
    for line in _header(export):
        sheet.append(line)
    sheet["A1"].font = Font(bold=True)
    for row in export.valid_rows:
        sheet.append(list(row.values))
    for column_cells in sheet.iter_cols(min_row=FIRST_DATA_ROW):
        for cell in column_cells:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
