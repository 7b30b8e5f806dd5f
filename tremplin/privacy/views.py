"""Clients' privacy pages (their access file, an erasure request) and the staff's (requests,
approval by a second person, legal holds, retention). See docs/privacy.md."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tremplin.agencies.policy import Perm, agency_view, has_perm
from tremplin.agencies.requests import AgencyRequest
from tremplin.audit.reads import audited_read
from tremplin.clients import selectors as client_selectors
from tremplin.clients.models import Client
from tremplin.privacy import selectors, services
from tremplin.privacy.access import access_file_data, access_file_json
from tremplin.privacy.forms import HoldForm, OptionalReasonForm, ReasonForm, RetentionForm
from tremplin.privacy.models import RequestKind, RequestStatus


def _url(request: AgencyRequest, name: str, **kwargs: object) -> str:
    return reverse(f"privacy:{name}", kwargs={"agency_slug": request.agency.slug, **kwargs})


def _errors(request: AgencyRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _file_response(request: AgencyRequest, client: Client, file_format: str) -> HttpResponse:
    if file_format not in ("html", "json"):
        raise Http404
    data = access_file_data(client=client)
    services.access_file_delivered(client=client, actor=request.user, file_format=file_format)
    name = f"tremplin-{request.agency.slug}-{client.pk}"
    if file_format == "json":
        response = HttpResponse(access_file_json(data), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    with translation.override(data["language"]):
        response = render(request, "privacy/access_file.html", {"data": data})
    response["Content-Disposition"] = f'attachment; filename="{name}.html"'
    return response


# ---- the client's own page ----------------------------------------------------------------


@agency_view(perm=Perm.CLIENT_AREA)
def me(request: AgencyRequest) -> HttpResponse:
    client = client_selectors.client_get_own(agency=request.agency, user=request.user)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.erasure_request(
                client=client, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(
                request, _("Your request has been sent. The agency answers within 30 days.")
            )
            return redirect(_url(request, "me"))
    return render(
        request,
        "privacy/me.html",
        {
            "client": client,
            "form": form,
            "requests": selectors.privacy_requests(agency=request.agency, client=client),
        },
    )


@agency_view(perm=Perm.CLIENT_AREA)
def me_file(request: AgencyRequest, file_format: str) -> HttpResponse:
    client = client_selectors.client_get_own(agency=request.agency, user=request.user)
    return _file_response(request, client, file_format)


# ---- staff ---------------------------------------------------------------------------------


@agency_view(perm=Perm.CLIENTS_MANAGE)
@audited_read("privacy.client_view")
def client_privacy(request: AgencyRequest, client_id: int) -> HttpResponse:
    client = client_selectors.client_get_for_agency(agency=request.agency, client_id=client_id)
    action = request.POST.get("action", "")
    forms = {
        "access": OptionalReasonForm(request.POST if action == "access" else None),
        "erase": ReasonForm(request.POST if action == "erase" else None, prefix="erase"),
        "hold": HoldForm(request.POST if action == "hold" else None, prefix="hold"),
    }
    if request.method == "POST" and action in forms and forms[action].is_valid():
        reason = forms[action].cleaned_data["reason"]
        try:
            if action == "access":
                services.access_request_record(client=client, actor=request.user, reason=reason)
                messages.success(request, _("Access request recorded."))
            elif action == "erase":
                services.erasure_request(client=client, actor=request.user, reason=reason)
                messages.success(
                    request, _("Erasure requested. Another staff member must approve it.")
                )
            else:
                services.legal_hold_place(client=client, actor=request.user, reason=reason)
                messages.success(request, _("Legal hold placed."))
        except ValidationError as error:
            _errors(request, error)
        else:
            return redirect(_url(request, "client", client_id=client.pk))
    return render(
        request,
        "privacy/client.html",
        {
            "client": client,
            "forms": forms,
            "requests": selectors.privacy_requests(agency=request.agency, client=client),
            "holds": selectors.legal_holds(client=client),
            "may_decide": has_perm(request, Perm.AUDIT_VIEW),
        },
    )


@agency_view(perm=Perm.CLIENTS_MANAGE)
def client_file(request: AgencyRequest, client_id: int, file_format: str) -> HttpResponse:
    client = client_selectors.client_get_for_agency(agency=request.agency, client_id=client_id)
    return _file_response(request, client, file_format)


@agency_view(perm=Perm.AUDIT_VIEW)
@audited_read("privacy.requests_view")
def request_list(request: AgencyRequest) -> HttpResponse:
    rows = selectors.privacy_requests(agency=request.agency)
    return render(
        request,
        "privacy/requests.html",
        {
            "pending": [r for r in rows if r.status == RequestStatus.PENDING],
            "answered": [r for r in rows if r.status != RequestStatus.PENDING][:100],
            "form": ReasonForm(prefix="refuse"),
        },
    )


@agency_view(perm=Perm.AUDIT_VIEW)
def request_decide(request: AgencyRequest, privacy_request_id: int) -> HttpResponse:
    privacy_request = selectors.privacy_request_get(
        agency=request.agency, privacy_request_id=privacy_request_id
    )
    if request.method == "POST" and privacy_request.kind == RequestKind.ERASURE:
        try:
            if request.POST.get("decision") == "approve":
                services.erasure_approve(request=privacy_request, actor=request.user)
                messages.success(request, _("The record has been erased."))
            elif request.POST.get("decision") == "refuse":
                form = ReasonForm(request.POST, prefix="refuse")
                reason = form.cleaned_data["reason"] if form.is_valid() else ""
                services.erasure_refuse(request=privacy_request, actor=request.user, reason=reason)
                messages.success(request, _("The request has been refused."))
        except ValidationError as error:
            _errors(request, error)
    return redirect(_url(request, "requests"))


@agency_view(perm=Perm.CLIENTS_MANAGE)
def hold_release(request: AgencyRequest, legal_hold_id: int) -> HttpResponse:
    hold = selectors.legal_hold_get(agency=request.agency, legal_hold_id=legal_hold_id)
    if request.method == "POST":
        services.legal_hold_release(hold=hold, actor=request.user)
        messages.success(request, _("Legal hold released."))
    return redirect(_url(request, "client", client_id=hold.client_id))


@agency_view(perm=Perm.AUDIT_VIEW)
def retention(request: AgencyRequest) -> HttpResponse:
    policy = selectors.retention_policy(agency=request.agency)
    form = RetentionForm(
        request.POST if request.POST.get("action") == "set" else None,
        initial={"inactive_years": policy.inactive_years if policy else None},
    )
    if request.method == "POST":
        if request.POST.get("action") == "apply":
            run = services.retention_apply(agency=request.agency)
            if run is not None:
                messages.success(
                    request,
                    _("Retention policy applied: %(count)s record(s) erased.")
                    % {"count": run.erased},
                )
            return redirect(_url(request, "retention"))
        if form.is_valid():
            try:
                services.retention_set(
                    agency=request.agency,
                    inactive_years=form.cleaned_data["inactive_years"],
                    actor=request.user,
                )
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(request, _("Retention policy saved."))
                return redirect(_url(request, "retention"))
    cutoff = services.retention_cutoff(agency=request.agency)
    preview = selectors.retention_preview(agency=request.agency, cutoff=cutoff) if cutoff else None
    return render(
        request,
        "privacy/retention.html",
        {
            "form": form,
            "policy": policy,
            "preview": preview,
            "runs": selectors.retention_runs(agency=request.agency)[:20],
        },
    )
