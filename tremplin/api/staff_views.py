"""Staff pages: API tokens and webhooks with the delivery log (agency administrators), and the
network's own tokens with their activity (network administrators)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tremplin.agencies.models import Agency, Network
from tremplin.agencies.policy import Perm, agency_view, network_view
from tremplin.agencies.requests import AgencyRequest
from tremplin.agencies.selectors import network_get_default
from tremplin.api import selectors, services
from tremplin.api.forms import NetworkTokenForm, TokenForm, WebhookForm
from tremplin.core.forms import form_save


def _token_page(
    request: HttpRequest,
    *,
    agency: Agency | None,
    network: Network,
    form_class: type[TokenForm],
    template: str,
    context: dict[str, object],
) -> HttpResponse:
    """Create a token from the form (its secret is in this answer only), or show the list."""
    form = form_class(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        created = form_save(
            form,
            lambda: services.token_create(
                agency=agency,
                network=network,
                actor=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
            ),
        )
        if created is not None:
            _token, secret = created
            form = form_class()
    tokens = (
        selectors.token_list_for_agency(agency=agency)
        if agency is not None
        else selectors.token_list_for_network(network=network)
    )
    return render(
        request,
        template,
        {"form": form, "secret": secret, "tokens": tokens, **context},
        status=400 if request.method == "POST" and secret is None else 200,
    )


@agency_view(perm=Perm.AGENCY_MANAGE)
def token_list(request: AgencyRequest) -> HttpResponse:
    return _token_page(
        request,
        agency=request.agency,
        network=request.agency.network,
        form_class=TokenForm,
        template="api/token_list.html",
        context={},
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
        endpoint = form_save(
            form,
            lambda: services.webhook_endpoint_create(
                agency=request.agency,
                actor=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
            ),
        )
        if endpoint is not None:
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


# ---------------------------------------------------------------------------------------------
# The network's tokens (network administrators, /<lang>/network/api/)


def _network() -> Network:
    network = network_get_default()
    if network is None:
        raise Http404
    return network


@network_view
def network_token_list(request: HttpRequest) -> HttpResponse:
    network = _network()
    return _token_page(
        request,
        agency=None,
        network=network,
        form_class=NetworkTokenForm,
        template="api/network_token_list.html",
        context={"events": selectors.network_audit_recent(network=network)},
    )


@network_view
def network_token_revoke(request: HttpRequest, api_token_id: int) -> HttpResponse:
    token = selectors.token_get_for_network(network=_network(), api_token_id=api_token_id)
    if request.method == "POST":
        services.token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("network_api:tokens")
