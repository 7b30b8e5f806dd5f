"""Staff record and correct a client's outcomes; the history shows on the client's page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.agencies.policy import Perm, agency_view
from tremplin.agencies.requests import AgencyRequest
from tremplin.audit.reads import audited_read
from tremplin.clients.selectors import client_get_for_agency
from tremplin.outcomes import selectors, services
from tremplin.outcomes.forms import OutcomeForm
from tremplin.programs.models import Program


def _client_page(request: AgencyRequest, client_id: int) -> str:
    return (
        reverse(
            "clients:detail", kwargs={"agency_slug": request.agency.slug, "client_id": client_id}
        )
        + "#outcomes"
    )


@agency_view(perm=Perm.CLIENTS_MANAGE)
@audited_read("outcome.form_view")
def record(request: AgencyRequest, client_id: int) -> HttpResponse:
    client = client_get_for_agency(agency=request.agency, client_id=client_id)
    form = OutcomeForm(
        request.POST or None,
        programs=Program.objects.filter(agency=request.agency),
        initial={"recorded_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_record(
                agency=request.agency, client=client, actor=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Outcome recorded."))
            return redirect(_client_page(request, client.pk))
    return render(request, "outcomes/outcome_form.html", {"form": form, "client": client})


@agency_view(perm=Perm.CLIENTS_MANAGE)
@audited_read("outcome.edit_form")
def edit(request: AgencyRequest, outcome_id: int) -> HttpResponse:
    outcome = selectors.outcome_get(agency=request.agency, outcome_id=outcome_id)
    initial = {
        name: getattr(outcome, name)
        for name in (
            "outcome_type",
            "recorded_on",
            "employer_name",
            "noc_code",
            "start_date",
            "employment_type",
            "hours_per_week",
            "wage_band",
            "school_name",
            "left_reason",
            "notes",
        )
    }
    initial["program"] = outcome.program_id or ""
    initial["in_field"] = {True: "yes", False: "no"}.get(outcome.in_field, "")  # type: ignore[arg-type]
    form = OutcomeForm(
        request.POST or None,
        programs=Program.objects.filter(agency=request.agency),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_update(outcome=outcome, actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Outcome saved."))
            return redirect(_client_page(request, outcome.client_id))
    return render(request, "outcomes/outcome_form.html", {"form": form, "client": outcome.client})
