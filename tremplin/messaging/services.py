"""Sending messages to people: one service for every channel, delivered by a background task."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency
from tremplin.audit.services import audit_log
from tremplin.clients.models import Client
from tremplin.messaging.adapters import SENDABLE_CHANNELS, AdapterError, get_adapter
from tremplin.messaging.models import Channel, OutboundMessage, OutboundStatus

# Twilio joins long SMS up to 1,600 characters; email has no such limit but a cap keeps rows sane.
MAX_TEXT_CHARS = 1600


class MessageNotAllowed(Exception):
    """The message may not be sent (no consent, no address, unknown channel); nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _address_of(client: Client, channel: str) -> str:
    return client.email if channel == Channel.EMAIL else client.phone


@transaction.atomic
def message_send(
    *,
    agency: Agency,
    channel: str,
    text: str,
    language: str,
    client: Client | None = None,
    to: str = "",
    actor: User | None = None,
    is_reply: bool = False,
) -> OutboundMessage:
    """Queue `text` for `client` (or the address `to`) on `channel`; a task sends it after commit.

    The client's consent for contact on that channel is checked, except for a reply to a
    message the person sent us on that channel (`is_reply`): answering is not unsolicited.
    """
    from tremplin.clients.selectors import consent_allows

    if channel not in SENDABLE_CHANNELS:
        raise MessageNotAllowed(str(_("Messages cannot be sent on this channel.")))
    address = to or (_address_of(client, channel) if client is not None else "")
    if not address:
        raise MessageNotAllowed(str(_("There is no address to send this message to.")))
    text = text.strip()
    if not text or len(text) > MAX_TEXT_CHARS:
        raise MessageNotAllowed(
            str(
                _("A message must have between 1 and %(max)d characters.") % {"max": MAX_TEXT_CHARS}
            )
        )
    if (
        client is not None
        and not is_reply
        and not consent_allows(client=client, purpose=f"contact_{channel}")
    ):
        raise MessageNotAllowed(
            str(_("This person has not agreed to be contacted on this channel."))
        )
    message = OutboundMessage.objects.create(
        agency=agency, client=client, channel=channel, to=address, text=text, language=language
    )
    if actor is not None:
        audit_log(
            agency=agency,
            actor=actor,
            action="outbound_message.send",
            obj=message,
            client_id=client.pk if client is not None else None,
            detail={"channel": channel},
        )
    from tremplin.messaging.tasks import deliver_outbound_message

    transaction.on_commit(lambda: deliver_outbound_message(message.pk))
    return message


@transaction.atomic
def message_deliver(*, message: OutboundMessage) -> OutboundMessage:
    """Send a queued message through its channel's adapter and record the outcome (runs in a task)."""
    message = OutboundMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != OutboundStatus.QUEUED:
        return message  # a task that ran twice never sends twice
    message.attempts += 1
    try:
        message.provider_message_id = get_adapter(message.channel).send(
            to=message.to, text=message.text, language=message.language
        )
    except (AdapterError, ValueError) as error:
        message.status = OutboundStatus.FAILED
        message.error = str(error)[:500]
    else:
        message.status = OutboundStatus.SENT
        message.sent_at = timezone.now()
    message.save(update_fields=["attempts", "provider_message_id", "status", "error", "sent_at"])
    return message
