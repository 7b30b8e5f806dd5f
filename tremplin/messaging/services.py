"""Sending messages to people: one service every part of Tremplin calls, delivered by workers.

`notify()` is the entry point: a message type, a client and a context — never a channel or a
text. It picks the channel, checks consent and the client's choices, renders the text in the
client's language, applies quiet hours, and queues an `OutboundMessage` that a worker sends
after the transaction commits (tremplin/messaging/outbox.py). Staff replies after the
assistant's hand-off use `notify("staff_reply", reply_to=…)`. `message_send()` is the older
free-text entry point, kept for its callers (surveys' bulk invitations).
"""

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency
from tremplin.audit.services import audit_log
from tremplin.clients.models import Client
from tremplin.messaging import clock
from tremplin.messaging.adapters import SENDABLE_CHANNELS
from tremplin.messaging.message_types import KIND_OF_TYPE, MessageKind, MessageType
from tremplin.messaging.models import (
    DUE_STATUSES,
    Channel,
    InboundContact,
    MessageEvent,
    MessageTemplate,
    MessagingPreference,
    OptOut,
    OutboundMessage,
    OutboundStatus,
    ProviderCallback,
)
from tremplin.messaging.outbox import QUIET_CHANNELS, quiet_hours_end
from tremplin.messaging.rendering import Templates, context_strings

# Twilio joins long SMS up to 1,600 characters; email has no such limit but a cap keeps rows sane.
MAX_TEXT_CHARS = 1600
# Channels tried after the client's own order, for those the client consented to.
DEFAULT_ORDER = (Channel.SMS, Channel.WHATSAPP, Channel.EMAIL)


class MessageNotAllowed(Exception):
    """The message may not be sent (no consent, no address, unknown channel); nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _address_of(client: Client, channel: str) -> str:
    return client.email if channel == Channel.EMAIL else client.phone


def _event(message: OutboundMessage, status: str, detail: str = "") -> None:
    MessageEvent.objects.create(
        agency_id=message.agency_id,
        message=message,
        status=status,
        detail=detail[:300],
        at=clock.now(),
    )


def _kick() -> None:
    """Ask a worker to send what is due (after the commit that queued it)."""
    from tremplin.messaging.tasks import drain_outbox

    drain_outbox()


def _kick_after_commit() -> None:
    transaction.on_commit(_kick, robust=True)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return ZoneInfo(settings.TIME_ZONE)


def client_time_zone(client: Client) -> ZoneInfo:
    preference = MessagingPreference.objects.filter(client=client).only("time_zone").first()
    return _zone((preference.time_zone if preference else "") or client.agency.time_zone)


@dataclass(frozen=True)
class ReplyTo:
    """Where a person wrote to us from: the answer goes back there first."""

    channel: str
    address: str


@dataclass
class _Facts:
    """What notify needs to know about each client, read in a few queries for many clients."""

    consents: dict[int, dict[str, bool]]
    preferences: dict[int, MessagingPreference]
    opted_out: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def read(cls, clients: Sequence[Client], replies: Sequence[ReplyTo] = ()) -> "_Facts":
        from tremplin.clients.models import ConsentRecord

        ids = [client.pk for client in clients]
        consents: dict[int, dict[str, bool]] = {client_id: {} for client_id in ids}
        records = (
            ConsentRecord.objects.filter(
                client_id__in=ids, purpose__in=[f"contact_{c}" for c in DEFAULT_ORDER]
            )
            .order_by("recorded_at", "id")
            .values_list("client_id", "purpose", "given")
        )
        for client_id, purpose, given in records:  # the newest answer wins
            consents[client_id][purpose] = given
        preferences = {
            preference.client_id: preference
            for preference in MessagingPreference.objects.filter(client_id__in=ids)
        }
        opted_out: set[tuple[str, str]] = set()
        if replies:
            opted_out = set(
                OptOut.objects.filter(address__in=[reply.address for reply in replies]).values_list(
                    "channel", "address"
                )
            )
        return cls(consents, preferences, opted_out)

    def zone(self, client: Client | None, agency: Agency) -> ZoneInfo:
        preference = self.preferences.get(client.pk) if client is not None else None
        return _zone((preference.time_zone if preference else "") or agency.time_zone)

    def plan(
        self, client: Client | None, message_type: str, reply_to: ReplyTo | None = None
    ) -> tuple[list[str], list[str]]:
        """(channels to try in order, reasons why the others cannot be used)."""
        kind = KIND_OF_TYPE.get(message_type)
        preference = self.preferences.get(client.pk) if client is not None else None
        disabled = set(preference.disabled) if preference else set()
        consents = self.consents.get(client.pk, {}) if client is not None else {}
        usable: list[str] = []
        reasons: list[str] = []
        if reply_to is not None:
            # Answering what the person wrote on this channel is not unsolicited (no consent
            # record needed), unless they withdrew it there (STOP, or on their file).
            if reply_to.channel not in SENDABLE_CHANNELS:
                reasons.append(f"{reply_to.channel}: cannot be sent to")
            elif (reply_to.channel, reply_to.address) in self.opted_out or consents.get(
                f"contact_{reply_to.channel}"
            ) is False:
                reasons.append(f"{reply_to.channel}: consent withdrawn")
            else:
                usable.append(reply_to.channel)
        if client is None:
            return usable, reasons
        order = [channel for channel in client.preferred_channels if channel in SENDABLE_CHANNELS]
        order += [channel for channel in DEFAULT_ORDER if channel not in order]
        for channel in order:
            if reply_to is not None and channel == reply_to.channel:
                continue
            if not consents.get(f"contact_{channel}"):
                reasons.append(f"{channel}: no consent")
            elif not _address_of(client, channel):
                reasons.append(f"{channel}: no address")
            elif kind is not None and f"{kind}:{channel}" in disabled:
                reasons.append(f"{channel}: turned off by the client")
            else:
                usable.append(channel)
        return usable, reasons


def channel_plan(*, client: Client, message_type: str) -> tuple[list[str], list[str]]:
    """(channels to try in order, reasons why the others cannot be used)."""
    return _Facts.read([client]).plan(client, message_type)


def _schedule(
    *, channel: str, urgent: bool, at: datetime, zone: ZoneInfo
) -> tuple[str, datetime, str]:
    if channel in QUIET_CHANNELS and not urgent:
        until = quiet_hours_end(at, zone)
        if until is not None:
            return OutboundStatus.DEFERRED, until, f"quiet hours until {until.isoformat()}"
    return OutboundStatus.QUEUED, at, ""


def notify(
    *,
    message_type: str,
    client: Client | None,
    context: Mapping[str, object] | None = None,
    urgent: bool = False,
    send_at: datetime | None = None,
    ref: str = "",
    dedupe_key: str = "",
    actor: User | None = None,
    reply_to: ReplyTo | None = None,
    agency: Agency | None = None,
) -> list[OutboundMessage]:
    """Tell `client` something of type `message_type` on the best channel they allow.

    `reply_to`: the person wrote to us there (a staff reply): that channel and address come
    first, then the client's own channels; `client` may then be None (an unknown number), with
    `agency` given. Returns the rows created: one queued (or deferred) message, or one skipped
    message with the reason when no channel may be used; [] when `dedupe_key` was already used.
    """
    return notify_many(
        message_type=message_type,
        recipients=[
            Recipient(client, context or {}, ref=ref, dedupe_key=dedupe_key, reply_to=reply_to)
        ],
        urgent=urgent,
        send_at=send_at,
        actor=actor,
        agency=agency,
    )


@dataclass
class Recipient:
    client: Client | None  # None only for a reply to an unknown address (`reply_to`)
    context: Mapping[str, object] = field(default_factory=dict)
    ref: str = ""
    dedupe_key: str = ""
    reply_to: ReplyTo | None = None


@transaction.atomic
def notify_many(
    *,
    message_type: str,
    recipients: Sequence[Recipient],
    urgent: bool = False,
    send_at: datetime | None = None,
    actor: User | None = None,
    agency: Agency | None = None,
) -> list[OutboundMessage]:
    """`notify` for many clients of one agency at once (a cohort, a session's registrants):
    the same rules, in a handful of queries whatever the number of people."""
    if message_type not in MessageType.values:
        raise ValueError(f"Unknown message type {message_type!r}.")
    if not recipients:
        return []
    if any(r.client is None and r.reply_to is None for r in recipients):
        raise ValueError("notify_many: a recipient without a client needs reply_to.")
    first = next((r.client for r in recipients if r.client is not None), None)
    agency = agency or (first.agency if first is not None else None)
    if agency is None or any(
        r.client is not None and r.client.agency_id != agency.pk for r in recipients
    ):
        raise ValueError("notify_many: every recipient must belong to the same agency.")
    keys = [recipient.dedupe_key for recipient in recipients if recipient.dedupe_key]
    used = (
        set(
            OutboundMessage.objects.filter(agency=agency, dedupe_key__in=keys).values_list(
                "dedupe_key", flat=True
            )
        )
        if keys
        else set()
    )
    recipients = [r for r in recipients if not r.dedupe_key or r.dedupe_key not in used]
    facts = _Facts.read(
        [r.client for r in recipients if r.client is not None],
        [r.reply_to for r in recipients if r.reply_to is not None],
    )
    templates = Templates(agency=agency, message_type=message_type)
    now = clock.now()
    at = max(send_at, now) if send_at is not None else now
    messages: list[OutboundMessage] = []
    details: dict[int, str] = {}
    for recipient in recipients:
        client, reply_to = recipient.client, recipient.reply_to
        zone = facts.zone(client, agency)
        language = templates.language_for(
            client.preferred_language if client is not None else agency.default_language
        )
        values = {"first_name": client.first_name if client is not None else ""}
        values.update(context_strings(recipient.context, zone=zone, language=language))
        subject, text = templates.render(language, values)
        channels, reasons = facts.plan(client, message_type, reply_to)
        message = OutboundMessage(
            agency=agency,
            client=client,
            message_type=message_type,
            subject=subject,
            text=text[:MAX_TEXT_CHARS],
            language=language,
            urgent=urgent,
            ref=recipient.ref[:60],
            dedupe_key=recipient.dedupe_key[:120],
            created_at=now,
        )
        if channels:
            message.channel = channels[0]
            message.to = (
                reply_to.address
                if reply_to is not None and channels[0] == reply_to.channel
                else _address_of(client, channels[0])  # type: ignore[arg-type]
            )
            message.fallback_channels = channels[1:]
            message.status, message.send_after, detail = _schedule(
                channel=message.channel, urgent=urgent, at=at, zone=zone
            )
        else:
            preferred = client.preferred_channels if client is not None else []
            message.channel = (
                reply_to.channel
                if reply_to is not None
                else next((c for c in preferred if c in SENDABLE_CHANNELS), "")
            )
            message.to = reply_to.address if reply_to is not None else ""
            message.status, message.send_after = OutboundStatus.SKIPPED, now
            detail = message.error = ("no channel may be used: " + "; ".join(reasons))[:500]
        messages.append(message)
        details[id(message)] = detail
    if keys:
        saved = []
        for message in messages:
            try:
                with transaction.atomic():
                    message.save()
            except IntegrityError:
                continue  # the same dedupe_key, queued at the same moment by another worker
            saved.append(message)
        messages = saved
    else:
        messages = OutboundMessage.objects.bulk_create(messages)
        if messages and messages[0].pk is None:
            raise RuntimeError("notify_many needs a database that returns inserted ids.")
    events = []
    for message in messages:
        detail = details[id(message)]
        events.append(MessageEvent(agency=agency, message=message, status="queued", at=now))
        if message.status != OutboundStatus.QUEUED:
            events.append(
                MessageEvent(
                    agency=agency, message=message, status=message.status, detail=detail, at=now
                )
            )
    MessageEvent.objects.bulk_create(events)
    if actor is not None:
        for message in messages:
            audit_log(
                agency=agency,
                actor=actor,
                action="outbound_message.notify",
                obj=message,
                client_id=message.client_id,
                detail={"type": message_type, "channel": message.channel},
            )
    if any(message.status in DUE_STATUSES for message in messages):
        _kick_after_commit()
    return messages


@transaction.atomic
def message_fallback(*, message: OutboundMessage) -> OutboundMessage | None:
    """After a permanent failure, queue the same text on the next channel the client allows."""
    client = message.client
    remaining = list(message.fallback_channels)
    while client is not None and remaining:
        channel, remaining = remaining[0], remaining[1:]
        usable, _reasons = channel_plan(client=client, message_type=message.message_type)
        zone = client_time_zone(client)
        if channel not in usable:
            continue
        status, send_after, detail = _schedule(
            channel=channel,
            urgent=message.urgent,
            at=clock.now(),
            zone=zone,
        )
        follow = OutboundMessage.objects.create(
            agency_id=message.agency_id,
            client=client,
            message_type=message.message_type,
            channel=channel,
            to=_address_of(client, channel),
            subject=message.subject,
            text=message.text,
            language=message.language,
            urgent=message.urgent,
            ref=message.ref,
            fallback_channels=remaining,
            parent=message,
            status=status,
            send_after=send_after,
            created_at=clock.now(),
        )
        _event(follow, OutboundStatus.QUEUED, f"after {message.channel} failed: {message.error}")
        if status != OutboundStatus.QUEUED:
            _event(follow, status, detail)
        _kick_after_commit()
        return follow
    return None


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
    """Queue `text` for `client` (or the address `to`) on `channel`; a worker sends it after commit.

    The client's consent for contact on that channel is checked, except for a reply to a
    message the person sent us on that channel (`is_reply`): answering is not unsolicited.
    Prefer `notify()` for anything but a free-text reply.
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
        agency=agency,
        client=client,
        channel=channel,
        to=address,
        text=text,
        language=language,
        message_type=MessageType.STAFF_REPLY if is_reply else "",
        urgent=is_reply,  # an answer to the person's own message is not held for quiet hours
        created_at=clock.now(),
        send_after=clock.now(),
    )
    _event(message, OutboundStatus.QUEUED)
    if actor is not None:
        audit_log(
            agency=agency,
            actor=actor,
            action="outbound_message.send",
            obj=message,
            client_id=client.pk if client is not None else None,
            detail={"channel": channel},
        )
    _kick_after_commit()
    return message


def message_deliver(*, message: OutboundMessage) -> OutboundMessage:
    """Send this message now if it is due (a second call never sends twice)."""
    from tremplin.messaging.outbox import run_batch

    run_batch(limit=1, pk=message.pk)
    message.refresh_from_db()
    return message


@transaction.atomic
def message_resend(*, message: OutboundMessage, actor: User) -> OutboundMessage:
    """Staff: queue a failed or skipped message again, as a new message on the same channel."""
    if message.status not in (OutboundStatus.FAILED, OutboundStatus.SKIPPED) or not message.to:
        raise MessageNotAllowed(str(_("Only a failed message with an address can be resent.")))
    if message.client is not None and message.message_type != MessageType.STAFF_REPLY:
        from tremplin.clients.selectors import consent_allows

        if not consent_allows(client=message.client, purpose=f"contact_{message.channel}"):
            raise MessageNotAllowed(
                str(_("This person has not agreed to be contacted on this channel."))
            )
    copy = OutboundMessage.objects.create(
        agency_id=message.agency_id,
        client=message.client,
        message_type=message.message_type,
        channel=message.channel,
        to=message.to,
        subject=message.subject,
        text=message.text,
        language=message.language,
        urgent=True,  # a person decided to send it now
        ref=message.ref,
        parent=message,
        created_at=clock.now(),
        send_after=clock.now(),
    )
    _event(copy, OutboundStatus.QUEUED, f"resent by staff (message {message.pk})")
    audit_log(
        agency=message.agency,
        actor=actor,
        action="outbound_message.resend",
        obj=copy,
        client_id=message.client_id,
        detail={"original": message.pk},
    )
    _kick_after_commit()
    return copy


# ---- client choices ---------------------------------------------------------------------------


def _preference(client: Client) -> MessagingPreference:
    preference, _created = MessagingPreference.objects.get_or_create(
        client=client, defaults={"agency_id": client.agency_id}
    )
    return preference


@transaction.atomic
def preference_set(
    *, client: Client, kind: str, channel: str, enabled: bool, actor: User | None = None
) -> MessagingPreference:
    """Turn one kind of message on or off on one channel (the assistant calls this too)."""
    if kind not in MessageKind.values or channel not in SENDABLE_CHANNELS:
        raise ValidationError(_("Unknown kind of message or channel."))
    preference = _preference(client)
    disabled = set(preference.disabled)
    (disabled.discard if enabled else disabled.add)(f"{kind}:{channel}")
    preference.disabled = sorted(disabled)
    preference.save(update_fields=["disabled"])
    audit_log(
        agency=client.agency,
        actor=actor,
        action="messaging.preference",
        obj=preference,
        client_id=client.pk,
        detail={"kind": kind, "channel": channel, "enabled": enabled},
    )
    return preference


@transaction.atomic
def preferences_update(
    *, client: Client, enabled: set[str], time_zone: str, actor: User | None
) -> MessagingPreference:
    """Replace the client's choices: `enabled` holds the "kind:channel" pairs they want."""
    from zoneinfo import available_timezones

    if time_zone and time_zone not in available_timezones():
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")})
    preference = _preference(client)
    every = {f"{kind}:{channel}" for kind in MessageKind.values for channel in SENDABLE_CHANNELS}
    preference.disabled = sorted(every - enabled)
    preference.time_zone = time_zone
    preference.save(update_fields=["disabled", "time_zone"])
    audit_log(
        agency=client.agency,
        actor=actor,
        action="messaging.preferences",
        obj=preference,
        client_id=client.pk,
    )
    return preference


@transaction.atomic
def template_save(
    *,
    agency: Agency,
    message_type: str,
    language: str,
    subject: str,
    body: str,
    actor: User,
) -> MessageTemplate:
    """Staff: the agency's text for one type in one language (a new language, or a rewording)."""
    errors: dict[str, object] = {}
    if message_type not in MessageType.values:
        errors["message_type"] = _("Choose a type of message.")
    language = language.strip().lower()
    if not language or len(language) > 12 or not language.replace("-", "").isalpha():
        errors["language"] = _("Give a language code such as “es” or “pt-br”.")
    body = body.strip()
    if not body or len(body) > MAX_TEXT_CHARS:
        errors["body"] = _("A message must have between 1 and %(max)d characters.") % {
            "max": MAX_TEXT_CHARS
        }
    if errors:
        raise ValidationError(errors)
    template, _created = MessageTemplate.objects.update_or_create(
        agency=agency,
        message_type=message_type,
        language=language,
        defaults={"subject": subject.strip()[:200], "body": body},
    )
    audit_log(
        agency=agency,
        actor=actor,
        action="message_template.save",
        obj=template,
        detail={"type": message_type, "language": language},
    )
    return template


# ---- inbound STOP -----------------------------------------------------------------------------

STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "arret", "desabonner", "desinscrire"})
FRENCH_STOP_WORDS = frozenset({"arret", "desabonner", "desinscrire"})


def _keyword(body: str) -> str:
    word = body.strip().strip(".!").casefold()
    return "".join(
        char for char in unicodedata.normalize("NFD", word) if unicodedata.category(char) != "Mn"
    )


@transaction.atomic
def inbound_opt_out(*, agency: Agency, channel: str, phone: str, body: str) -> str | None:
    """STOP / ARRÊT / UNSUBSCRIBE from `phone` on `channel` (sms or whatsapp).

    None when `body` is not such a keyword (the assistant answers it). Otherwise consent for
    that channel is withdrawn at once for every client of the agency with that number, their
    pending messages there are skipped, and the confirmation to reply is returned — "" when
    this number had already stopped and nothing changed (the confirmation goes out once).
    """
    from tremplin.clients.selectors import consent_allows
    from tremplin.clients.services import consent_withdraw

    word = _keyword(body)
    if word not in STOP_WORDS or channel not in QUIET_CHANNELS:
        return None
    purpose = f"contact_{channel}"
    clients = list(Client.objects.filter(agency=agency, phone=phone))
    changed = False
    for client in clients:
        if consent_allows(client=client, purpose=purpose):
            consent_withdraw(client=client, purpose=purpose, actor=None)
            changed = True
    created = _opt_out(agency, channel, phone, why="the person replied STOP")
    audit_log(
        agency=agency,
        actor=None,
        action="messaging.opt_out",
        client_id=clients[0].pk if clients else None,
        detail={"channel": channel, "clients": len(clients)},
    )
    if not (changed or created):
        return ""
    language = (
        "fr"
        if word in FRENCH_STOP_WORDS
        else (clients[0].preferred_language if clients else agency.default_language)
    )
    with translation.override(language if language in ("en", "fr") else "en"):
        if channel == Channel.WHATSAPP:
            return gettext(
                "You will no longer receive WhatsApp messages from %(agency)s. To receive "
                "them again, tell your counsellor."
            ) % {"agency": agency.name}
        return gettext(
            "You will no longer receive text messages from %(agency)s. To receive them "
            "again, tell your counsellor."
        ) % {"agency": agency.name}


def inbound_record(*, agency: Agency, channel: str, address: str) -> None:
    """The person at `address` wrote to us on `channel` now: on WhatsApp this opens the
    24-hour window in which free text may be sent to them (called by the inbound webhook)."""
    if channel != Channel.WHATSAPP or not address:
        return
    InboundContact.objects.update_or_create(
        agency=agency,
        channel=channel,
        address=address[:254],
        defaults={"last_inbound_at": clock.now()},
    )


# ---- delivery-status callbacks ----------------------------------------------------------------

DELIVERED_STATUSES = frozenset({"delivered", "read"})
FAILED_STATUSES = frozenset({"undelivered", "failed"})
# django-anymail's normalised event types (anymail.signals.EventType) that change a message.
EMAIL_FAILED_EVENTS = frozenset({"bounced", "rejected", "failed"})
EMAIL_OPT_OUT_EVENTS = frozenset({"complained", "unsubscribed"})


@transaction.atomic
def _opt_out(agency: Agency, channel: str, address: str, *, why: str) -> bool:
    """Never send on `channel` to `address` again, and skip what is pending there (in bulk).
    True when this address had not stopped before."""
    _optout, created = OptOut.objects.get_or_create(agency=agency, channel=channel, address=address)
    pending = OutboundMessage.objects.filter(
        agency=agency, channel=channel, to=address, status__in=DUE_STATUSES
    )
    skipped = list(pending.values_list("pk", flat=True))
    if skipped:
        OutboundMessage.objects.filter(pk__in=skipped).update(
            status=OutboundStatus.SKIPPED, error=why
        )
        now = clock.now()
        MessageEvent.objects.bulk_create(
            MessageEvent(
                agency_id=agency.pk,
                message_id=pk,
                status=OutboundStatus.SKIPPED,
                detail=why[:300],
                at=now,
            )
            for pk in skipped
        )
    return created


def email_event_apply(
    *, provider_message_id: str, event_type: str, reason: str = "", description: str = ""
) -> bool:
    """An email provider's delivery report, through django-anymail, applied once.

    delivered → delivered; bounced / rejected / failed → failed with the reason, then the next
    channel; complained / unsubscribed → consent for email withdrawn at once and pending emails
    to that address skipped (as STOP does for SMS). False: duplicate, unknown or ignored.
    """
    from tremplin.clients.selectors import consent_allows
    from tremplin.clients.services import consent_withdraw

    if event_type not in {"delivered"} | EMAIL_FAILED_EVENTS | EMAIL_OPT_OUT_EVENTS:
        return False  # opens and clicks are not tracked; deferrals change nothing
    if not provider_message_id:
        return False
    message = (
        OutboundMessage.objects.select_for_update(of=("self",))
        .filter(channel=Channel.EMAIL, provider_message_id=provider_message_id[:100])
        .select_related("agency", "client")
        .first()
    )
    if message is None:
        return False
    try:
        with transaction.atomic():
            ProviderCallback.objects.create(
                agency=message.agency,
                provider_message_id=message.provider_message_id,
                status=event_type[:20],
            )
    except IntegrityError:
        return False  # the provider posted the same event again
    why = ", ".join(part for part in (reason, description) if part)[:200]
    detail = f"provider: {event_type}" + (f" ({why})" if why else "")
    if event_type == "delivered" and message.status == OutboundStatus.SENT:
        message.status, message.delivered_at = OutboundStatus.DELIVERED, clock.now()
        message.save(update_fields=["status", "delivered_at"])
    elif event_type in EMAIL_FAILED_EVENTS and message.status in (
        OutboundStatus.SENT,
        OutboundStatus.DELIVERED,
    ):
        message.status = OutboundStatus.FAILED
        message.error = f"the provider could not deliver it ({event_type}: {why or '?'})"[:500]
        message.save(update_fields=["status", "error"])
        _event(message, OutboundStatus.FAILED, detail)
        message_fallback(message=message)
        return True
    elif event_type in EMAIL_OPT_OUT_EVENTS:
        client = message.client
        if client is not None and consent_allows(client=client, purpose="contact_email"):
            consent_withdraw(client=client, purpose="contact_email", actor=None)
        _opt_out(message.agency, Channel.EMAIL, message.to, why=f"the person {event_type}")
        audit_log(
            agency=message.agency,
            actor=None,
            action="messaging.opt_out",
            client_id=message.client_id,
            detail={"channel": Channel.EMAIL, "event": event_type},
        )
        detail += "; consent for email withdrawn"
    _event(message, event_type, detail)
    return True


@transaction.atomic
def status_callback_apply(
    *, agency: Agency, provider_message_id: str, status: str, error_code: str = ""
) -> bool:
    """Apply a provider's delivery report once; False for a duplicate or an unknown message."""
    status = status.strip().lower()[:20]
    if not provider_message_id or not status:
        return False
    try:
        with transaction.atomic():
            ProviderCallback.objects.create(
                agency=agency, provider_message_id=provider_message_id[:100], status=status
            )
    except IntegrityError:
        return False
    message = (
        OutboundMessage.objects.select_for_update()
        .filter(agency=agency, provider_message_id=provider_message_id)
        .first()
    )
    if message is None:
        return False
    detail = f"provider: {status}" + (f" (error {error_code})" if error_code else "")
    if status in DELIVERED_STATUSES and message.status == OutboundStatus.SENT:
        message.status, message.delivered_at = OutboundStatus.DELIVERED, clock.now()
        message.save(update_fields=["status", "delivered_at"])
    elif status in FAILED_STATUSES and message.status in (
        OutboundStatus.SENT,
        OutboundStatus.DELIVERED,
    ):
        message.status = OutboundStatus.FAILED
        message.error = f"the provider could not deliver it ({status}, error {error_code or '?'})"
        message.save(update_fields=["status", "error"])
        _event(message, OutboundStatus.FAILED, detail)
        message_fallback(message=message)
        return True
    _event(message, status, detail)
    return True
