"""Staff pages of the outbox, the client's own choices, and the providers' delivery reports
(Twilio's status callback; email providers' through django-anymail)."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tremplin.accounts.selectors import signed_in_user
from tremplin.agencies.policy import Perm, agency_view, has_perm
from tremplin.agencies.requests import AgencyRequest
from tremplin.audit.reads import audited_read
from tremplin.clients.selectors import client_of_user
from tremplin.messaging import selectors, services
from tremplin.messaging.adapters import SENDABLE_CHANNELS
from tremplin.messaging.forms import PreferencesForm, TemplateForm
from tremplin.messaging.message_types import MessageKind
from tremplin.messaging.models import Channel, OutboundStatus

PAGE_SIZE = 100
log = logging.getLogger(__name__)


@agency_view(perm=Perm.CLIENTS_VIEW)
def outbox(request: AgencyRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in OutboundStatus.values else ""
    channel = request.GET.get("channel", "")
    channel = channel if channel in SENDABLE_CHANNELS else ""
    counts = selectors.outbox_counts(agency=request.agency)
    channels = sorted(SENDABLE_CHANNELS)
    rows = [
        (OutboundStatus(code).label, code, [counts[code][c] for c in channels])
        for code in OutboundStatus.values
    ]
    return render(
        request,
        "messaging/outbox.html",
        {
            "rows": rows,
            "channels": [(c, Channel(c).label) for c in channels],
            "messages_list": selectors.outbound_message_list(
                agency=request.agency, status=status, channel=channel
            )[:PAGE_SIZE],
            "status": status,
            "channel": channel,
            "statuses": OutboundStatus.choices,
            "can_resend": has_perm(request, Perm.CLIENTS_MANAGE),
        },
    )


@agency_view(perm=Perm.CLIENTS_MANAGE)
@require_POST
def resend(request: AgencyRequest) -> HttpResponse:
    back = request.POST.get("next", "")
    if not back.startswith(f"/{request.LANGUAGE_CODE}/a/{request.agency.slug}/messages/"):
        back = reverse("messaging:outbox", kwargs={"agency_slug": request.agency.slug})
    try:
        message_id = int(request.POST.get("message", ""))
    except ValueError:
        messages.error(request, _("Choose a message to send again."))
        return redirect(back)
    message = selectors.outbound_message_get(agency=request.agency, message_id=message_id)
    try:
        services.message_resend(message=message, actor=signed_in_user(request))
    except services.MessageNotAllowed as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The message will be sent again."))
    return redirect(back)


@agency_view(perm=Perm.CLIENTS_VIEW)
@audited_read("outbound_message.list")
def client_messages(request: AgencyRequest, client_id: int) -> HttpResponse:
    client = selectors.client_get(agency=request.agency, client_id=client_id)
    history = selectors.outbound_message_list(agency=request.agency, client_id=client.pk)
    history = history.prefetch_related("events")[:PAGE_SIZE]
    return render(
        request,
        "messaging/client_messages.html",
        {
            "client": client,
            "history": history,
            "matrix": _matrix_rows(selectors.preference_matrix(client=client)),
            "channels": [Channel(c).label for c in sorted(SENDABLE_CHANNELS)],
            "time_zone": selectors.preference_time_zone(client=client),
            "can_resend": has_perm(request, Perm.CLIENTS_MANAGE),
        },
    )


def _matrix_rows(matrix: dict[str, dict[str, bool]]) -> list[tuple[str, list[tuple[str, bool]]]]:
    return [
        (
            str(MessageKind(kind).label),
            [(f"{kind}:{channel}", wanted) for channel, wanted in channels.items()],
        )
        for kind, channels in matrix.items()
    ]


@agency_view(perm=Perm.CLIENT_AREA)
def my_preferences(request: AgencyRequest) -> HttpResponse:
    client = client_of_user(agency=request.agency, user=request.user)
    if client is None:
        return render(request, "messaging/my_preferences.html", {"client": None})
    form = PreferencesForm(initial={"time_zone": selectors.preference_time_zone(client=client)})
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        every = {
            f"{kind}:{channel}" for kind in MessageKind.values for channel in SENDABLE_CHANNELS
        }
        if form.is_valid():
            try:
                services.preferences_update(
                    client=client,
                    enabled=set(request.POST.getlist("wanted")) & every,
                    time_zone=form.cleaned_data["time_zone"],
                    actor=signed_in_user(request),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your choices are saved."))
                return redirect(request.path)
    return render(
        request,
        "messaging/my_preferences.html",
        {
            "client": client,
            "form": form,
            "matrix": _matrix_rows(selectors.preference_matrix(client=client)),
            "channels": [Channel(c).label for c in sorted(SENDABLE_CHANNELS)],
        },
    )


@agency_view(perm=Perm.AGENCY_MANAGE)
def templates(request: AgencyRequest) -> HttpResponse:
    form = TemplateForm()
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                services.template_save(
                    agency=request.agency, actor=signed_in_user(request), **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The text is saved."))
                return redirect(request.path)
    return render(
        request,
        "messaging/templates.html",
        {"form": form, "templates": selectors.template_list(agency=request.agency)},
    )


def _twilio_signature_valid(request: AgencyRequest) -> bool:
    from twilio.request_validator import RequestValidator

    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    return RequestValidator(token).validate(
        request.build_absolute_uri(), request.POST.dict(), signature
    )


@csrf_exempt
@agency_view(public=True)
@require_POST
def twilio_status(request: AgencyRequest) -> HttpResponse:
    """Twilio's delivery report for a message we sent (MessageSid, MessageStatus, ErrorCode).

    Unsigned or wrongly signed requests are refused with 403; a report already applied
    (same MessageSid and status) is ignored.
    """
    if not _twilio_signature_valid(request):
        return HttpResponseForbidden()
    services.status_callback_apply(
        agency=request.agency,
        provider_message_id=request.POST.get("MessageSid", ""),
        status=request.POST.get("MessageStatus", ""),
        error_code=request.POST.get("ErrorCode", ""),
    )
    return HttpResponse(status=204)


def email_tracking(sender: object, event: object, esp_name: str, **kwargs: object) -> None:
    """django-anymail's tracking signal: the provider's report, after anymail checked the
    request (basic auth, and the ESP's signature where it has one). For a provider that does
    not sign (Postmark…) it is applied only when ANYMAIL_WEBHOOK_SECRET is set: without one
    anymail lets anybody post reports (and a "complaint" withdraws consent)."""
    from django_scopes import scopes_disabled

    signed = getattr(sender, "warn_if_no_basic_auth", True) is False  # anymail: "signs instead"
    if not (signed or settings.ANYMAIL.get("WEBHOOK_SECRET")):
        log.warning("messaging: %s delivery report ignored (no ANYMAIL_WEBHOOK_SECRET)", esp_name)
        return
    with scopes_disabled():
        services.email_event_apply(
            provider_message_id=str(getattr(event, "message_id", "") or ""),
            event_type=str(getattr(event, "event_type", "") or ""),
            reason=str(getattr(event, "reject_reason", "") or ""),
            description=str(
                getattr(event, "description", "") or getattr(event, "mta_response", "") or ""
            ),
        )
