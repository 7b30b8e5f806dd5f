from django.db.models import Count, QuerySet
from django.http import Http404

from tremplin.agencies.models import Agency
from tremplin.clients.models import Client
from tremplin.messaging.adapters import SENDABLE_CHANNELS
from tremplin.messaging.message_types import MessageKind
from tremplin.messaging.models import (
    MessageTemplate,
    MessagingPreference,
    OutboundMessage,
    OutboundStatus,
)


def outbound_message_list(
    *, agency: Agency, client_id: int | None = None, status: str = "", channel: str = ""
) -> QuerySet[OutboundMessage]:
    messages = OutboundMessage.objects.filter(agency=agency)
    if client_id is not None:
        messages = messages.filter(client_id=client_id)
    if status:
        messages = messages.filter(status=status)
    if channel:
        messages = messages.filter(channel=channel)
    return messages.select_related("client").order_by("-created_at", "-id")


def outbound_message_get(*, agency: Agency, message_id: int) -> OutboundMessage:
    message = OutboundMessage.objects.filter(agency=agency, pk=message_id).first()
    if message is None:
        raise Http404
    return message


def outbox_counts(*, agency: Agency) -> dict[str, dict[str, int]]:
    """{status: {channel: count}} for every status and sendable channel (zeros included)."""
    channels = sorted(str(channel) for channel in SENDABLE_CHANNELS)
    counts = {status: dict.fromkeys(channels, 0) for status in OutboundStatus.values}
    rows = (
        OutboundMessage.objects.filter(agency=agency)
        .values("status", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        if row["status"] in counts and row["channel"] in counts[row["status"]]:
            counts[row["status"]][row["channel"]] = row["n"]
    return counts


def preference_matrix(*, client: Client) -> dict[str, dict[str, bool]]:
    """{kind: {channel: wanted}} — what the client receives (the assistant can read this)."""
    preference = MessagingPreference.objects.filter(client=client).first()
    disabled = set(preference.disabled) if preference else set()
    return {
        kind: {
            channel: f"{kind}:{channel}" not in disabled for channel in sorted(SENDABLE_CHANNELS)
        }
        for kind in MessageKind.values
    }


def channels_reachable(*, client: Client) -> set[str]:
    """The channels messaging may use for this client: consent given and an address on file."""
    from tremplin.clients.selectors import consent_allows

    addresses = {"sms": client.phone, "whatsapp": client.phone, "email": client.email}
    return {
        channel
        for channel, address in addresses.items()
        if address and consent_allows(client=client, purpose=f"contact_{channel}")
    }


def preference_time_zone(*, client: Client) -> str:
    preference = MessagingPreference.objects.filter(client=client).only("time_zone").first()
    return preference.time_zone if preference else ""


def client_get(*, agency: Agency, client_id: int) -> Client:
    client = Client.objects.filter(agency=agency, pk=client_id).first()
    if client is None:
        raise Http404
    return client


def template_list(*, agency: Agency) -> QuerySet[MessageTemplate]:
    return MessageTemplate.objects.filter(agency=agency).order_by("message_type", "language")
