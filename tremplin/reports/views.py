"""Pages of the reports app. Views parse the filters, call one selector and render; the figures
come from selectors.py, the funder export from funder.py."""

from datetime import date
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency, Network, NetworkMembership
from tremplin.agencies.policy import Perm, agency_view, network_view
from tremplin.agencies.requests import AgencyRequest
from tremplin.agencies.roles import NetworkRole
from tremplin.agencies.selectors import network_get_default
from tremplin.audit.reads import audited_read
from tremplin.audit.services import audit_log
from tremplin.clients.selectors import client_get_for_agency
from tremplin.reports import selectors, services
from tremplin.reports.figures import Selection
from tremplin.reports.forms import DashboardFilterForm, FunderExportForm, FunderProfileForm
from tremplin.reports.funder import export_csv, export_xlsx, funder_export
from tremplin.reports.models import FunderProfile
from tremplin.reports.tables import rows_csv, table_csv, threshold

CSV_TYPE = "text/csv; charset=utf-8"


def _csv_response(content: str, filename: str) -> HttpResponse:
    # A byte-order mark so that spreadsheet programs read the accents right.
    response = HttpResponse("\ufeff" + content, content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _period_slug(selection: Selection) -> str:
    return f"{selection.period.start:%Y%m%d}-{selection.period.end:%Y%m%d}"


def _filter_form(
    request: HttpRequest,
    agency_ids: list[int],
    *,
    network_agencies: list[Agency] | None = None,
    comparing_modes: bool = False,
) -> DashboardFilterForm:
    return DashboardFilterForm(
        request.GET or None,
        languages=selectors.language_choices(agency_ids=agency_ids),
        programs=selectors.program_choices(
            agency_ids=agency_ids, network=network_agencies is not None
        ),
        agencies=[(a.pk, str(a.name)) for a in network_agencies]
        if network_agencies is not None
        else None,
        comparing_modes=comparing_modes,
    )


def _dashboard_download(
    request: HttpRequest, *, agency_ids: list[int], selection: Selection, network: bool
) -> HttpResponse:
    """Every table of the page as CSV, in the reader's language, always suppressed."""
    which = request.GET.get("download", "")
    board = selectors.dashboard(
        agency_ids=agency_ids, selection=selection, network=network, suppress=True
    )
    previous = _("previous period")
    if which == "key":
        content = rows_csv(
            [_("Figure"), _("This period"), _("Previous period"), _("Change")],
            [(f.label, f.current, f.previous, f.change) for f in board.key_figures],
        )
        return _csv_response(content, f"tremplin-key-figures-{_period_slug(selection)}")
    if which not in {t.key for t in board.tables}:
        raise Http404
    group = str(selectors.DIMENSION_LABELS.get(selection.by, selection.by))
    content = table_csv(board.table(which), group_label=group, previous_label=previous)
    return _csv_response(content, f"tremplin-{which}-{selection.by}-{_period_slug(selection)}")


def _render_dashboard(
    request: HttpRequest,
    *,
    form: DashboardFilterForm,
    agency_ids: list[int],
    network: bool,
    template_context: dict[str, Any],
) -> HttpResponse:
    selection = form.selection()
    if request.GET.get("download"):
        return _dashboard_download(
            request, agency_ids=agency_ids, selection=selection, network=network
        )
    board = selectors.dashboard(
        agency_ids=agency_ids, selection=selection, network=network, suppress=network
    )
    query = request.GET.copy()
    query.pop("download", None)
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "board": board,
            "selection": selection,
            "dimension_label": selectors.DIMENSION_LABELS.get(selection.by, selection.by),
            "query": query.urlencode(),
            "threshold": threshold(),
            **template_context,
        },
    )


@agency_view(perm=Perm.REPORTS_VIEW)
def dashboard(request: AgencyRequest) -> HttpResponse:
    agency_ids = [request.agency.pk]
    form = _filter_form(request, agency_ids)
    return _render_dashboard(
        request, form=form, agency_ids=agency_ids, network=False, template_context={}
    )


def _network_of(request: HttpRequest) -> Network:
    """The network the reader administers (the deployment's network by default)."""
    membership = (
        NetworkMembership.objects.filter(
            user_id=request.user.pk or 0, role=NetworkRole.NETWORK_ADMIN
        )
        .select_related("network")
        .order_by("network_id")
        .first()
    )
    network = membership.network if membership else network_get_default()
    if network is None:
        raise Http404
    return network


def _network_agencies(request: HttpRequest) -> list[Agency]:
    network = _network_of(request)
    return list(Agency.objects.filter(network=network, is_active=True).order_by("slug"))


@network_view
def network_dashboard(request: HttpRequest) -> HttpResponse:
    agencies = _network_agencies(request)
    agency_ids = [a.pk for a in agencies]
    form = _filter_form(request, agency_ids, network_agencies=agencies)
    selection = form.selection()
    chosen = selection.filters.get("agency")
    return _render_dashboard(
        request,
        form=form,
        agency_ids=[int(chosen)] if chosen else agency_ids,
        network=True,
        template_context={"is_network": True, "network": _network_of(request)},
    )


def _modes_page(
    request: HttpRequest,
    *,
    form: DashboardFilterForm,
    agency_ids: list[int],
    suppress: bool,
    extra: dict[str, Any],
) -> HttpResponse:
    selection = form.selection()
    download = request.GET.get("download") == "csv"
    comparisons = selectors.mode_comparison(
        agency_ids=agency_ids, selection=selection, suppress=suppress or download
    )
    if download:
        header = [
            _("Type of service"),
            _("Mode"),
            _("Clients"),
            _("Attendance rate"),
            _("Living in rural or remote places"),
            _("Pre-arrival share"),
            _("Followed up at 6 months"),
            _("Employed at 6 months"),
            _("Respondents"),
            _("Mean satisfaction (1 to 5)"),
            _("Staff rating of virtual delivery (1 to 5)"),
            _("Note"),
        ]
        rows = [
            [
                c.label,
                g.label,
                g.display("clients"),
                g.display("attendance_rate"),
                g.display("rural_share"),
                g.display("pre_arrival_share"),
                g.display("followed"),
                g.display("employed_rate"),
                g.display("respondents"),
                g.display("satisfaction"),
                c.staff_display,
                c.note,
            ]
            for c in comparisons
            for g in c.groups
        ]
        return _csv_response(
            rows_csv(header, rows), f"tremplin-mode-comparison-{_period_slug(selection)}"
        )
    query = request.GET.copy()
    query.pop("download", None)
    return render(
        request,
        "reports/modes.html",
        {
            "form": form,
            "selection": selection,
            "comparisons": comparisons,
            "query": query.urlencode(),
            "suppressed": suppress,
            "threshold": threshold(),
            "min_group": selectors.MIN_GROUP_TO_COMPARE,
            **extra,
        },
    )


@agency_view(perm=Perm.REPORTS_VIEW)
def modes(request: AgencyRequest) -> HttpResponse:
    agency_ids = [request.agency.pk]
    form = _filter_form(request, agency_ids, comparing_modes=True)
    return _modes_page(request, form=form, agency_ids=agency_ids, suppress=False, extra={})


@network_view
def network_modes(request: HttpRequest) -> HttpResponse:
    agencies = _network_agencies(request)
    agency_ids = [a.pk for a in agencies]
    form = _filter_form(request, agency_ids, network_agencies=agencies, comparing_modes=True)
    chosen = form.selection().filters.get("agency")
    return _modes_page(
        request,
        form=form,
        agency_ids=[int(chosen)] if chosen else agency_ids,
        suppress=True,
        extra={"is_network": True, "network": _network_of(request)},
    )


@agency_view(perm=Perm.REPORTS_VIEW)
def funder(request: AgencyRequest) -> HttpResponse:
    form = FunderExportForm(request.GET or None)
    export = None
    if request.GET and form.is_valid():
        month: date = form.cleaned_data["month"]
        export = funder_export(
            agency=request.agency, template_id=form.cleaned_data["template"], month=month
        )
        kind = request.GET.get("format")
        if kind in ("xlsx", "csv"):
            audit_log(
                agency=request.agency,
                actor=request.user,
                action="reports.funder_export",
                detail={
                    "template": form.cleaned_data["template"],
                    "month": f"{month:%Y-%m}",
                    "format": kind,
                    "rows": len(export.valid_rows),
                    "left_out": len(export.rejected_rows),
                },
            )
            if kind == "csv":
                return _csv_response(export_csv(export), export.filename)
            response = HttpResponse(
                export_xlsx(export),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{export.filename}.xlsx"'
            return response
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "reports/funder.html",
        {"form": form, "export": export, "query": query.urlencode()},
    )


@agency_view(perm=Perm.CLIENTS_MANAGE)
@audited_read("reports.funder_profile_view")
def funder_profile(request: AgencyRequest, client_id: int) -> HttpResponse:
    client = client_get_for_agency(agency=request.agency, client_id=client_id)
    instance = FunderProfile.objects.filter(client=client).first()
    form = FunderProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.funder_profile_set(
                client=client,
                actor=cast(User, request.user),
                identifier_type=form.cleaned_data["identifier_type"],
                identifier_value=form.cleaned_data["identifier_value"],
            )
        except ValidationError as error:
            for field_name, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field_name if field_name in form.fields else None, message)
        else:
            messages.success(request, _("The identifier is saved."))
            back = request.GET.get("next", "")
            if back.startswith(f"/{request.LANGUAGE_CODE}/a/{request.agency.slug}/"):
                return redirect(back)
            return redirect("clients:detail", agency_slug=request.agency.slug, client_id=client.pk)
    return render(request, "reports/funder_profile.html", {"form": form, "client": client})
