from django.db.models import QuerySet

from tremplin.agencies.models import Agency
from tremplin.messaging.models import OutboundMessage


def outbound_message_list(
    *, agency: Agency, client_id: int | None = None
) -> QuerySet[OutboundMessage]:
    messages = OutboundMessage.objects.filter(agency=agency)
    if client_id is not None:
        messages = messages.filter(client_id=client_id)
    return messages.order_by("-created_at", "-id")
