"""Staff pages (agency administrators): API tokens and webhooks, with the delivery log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tremplin.agencies.policy import Perm, agency_view
from tremplin.agencies.requests import AgencyRequest
from tremplin.api import selectors, services
from tremplin.api.forms import TokenForm, WebhookForm


def _add_errors(form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


@agency_view(perm=Perm.AGENCY_MANAGE)
def token_list(request: AgencyRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(
                agency=request.agency,
                network=request.agency.network,
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            form = TokenForm()
    return render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "secret": secret,
            "tokens": selectors.token_list_for_agency(agency=request.agency),
        },
        status=400 if request.method == "POST" and secret is None else 200,
    )


@agency_view(perm=Perm.AGENCY_MANAGE)
def token_revoke(request: AgencyRequest, api_token_id: int) -> HttpResponse:
    token = selectors.token_get_for_agency(agency=request.agency, api_token_id=api_token_id)
    if request.method == "POST":
        services.token_revoke(token=token, actor=request.user)
        messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api_staff:tokens", agency_slug=request.agency.slug)


@agency_view(perm=Perm.AGENCY_MANAGE)
def webhook_list(request: AgencyRequest) -> HttpResponse:
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.webhook_endpoint_create(
                agency=request.agency,
                actor=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect(
                "api_staff:webhook",
                agency_slug=request.agency.slug,
                webhook_endpoint_id=endpoint.pk,
            )
    return render(
        request,
        "api/webhook_list.html",
        {"form": form, "endpoints": selectors.webhook_endpoint_list(agency=request.agency)},
        status=400 if request.method == "POST" else 200,
    )


@agency_view(perm=Perm.AGENCY_MANAGE)
def webhook_detail(request: AgencyRequest, webhook_endpoint_id: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(
        agency=request.agency, webhook_endpoint_id=webhook_endpoint_id
    )
    page = Paginator(selectors.webhook_delivery_list(endpoint=endpoint), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "api/webhook_detail.html", {"endpoint": endpoint, "page": page})


@agency_view(perm=Perm.AGENCY_MANAGE)
def webhook_toggle(request: AgencyRequest, webhook_endpoint_id: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(
        agency=request.agency, webhook_endpoint_id=webhook_endpoint_id
    )
    if request.method == "POST":
        services.webhook_endpoint_set_active(
            endpoint=endpoint, active=not endpoint.is_active, actor=request.user
        )
    return redirect(
        "api_staff:webhook", agency_slug=request.agency.slug, webhook_endpoint_id=endpoint.pk
    )
