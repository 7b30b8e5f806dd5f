"""The delivery engine: claim due rows, send outside any transaction, record what happened.

State machine of `OutboundMessage.status`:

    queued / deferred / retry ──claim──▶ sending ──▶ sent ──(callback)──▶ delivered
                                            │ ├──▶ retry (temporary failure, back-off)
                                            │ ├──▶ deferred (quiet hours reached meanwhile)
                                            │ ├──▶ failed (permanent, or too many attempts) ─▶ next channel
                                            │ └──▶ skipped (no consent any more, session cancelled…)
                                            └──(worker died: sweeper)──▶ queued, in doubt

- A claim is one conditional UPDATE (`status IN due AND send_after <= now`), preceded on
  PostgreSQL by `SELECT … FOR UPDATE SKIP LOCKED`, so two workers never hold the same row.
- The provider is called after the claim has committed: no database lock is held meanwhile.
- The outcome is written only if the row still carries this worker's claim token.
- Each send carries the idempotency key "<message id>:<attempt>". A row the sweeper takes back
  from a dead worker keeps its attempt number and is marked in doubt; the next worker asks the
  adapter whether that key was already accepted before sending (the file adapter answers from
  its outbox; see adapters.py).
"""

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, When
from django_scopes import scopes_disabled

from tremplin.agencies.models import Agency
from tremplin.messaging import clock
from tremplin.messaging.adapters import (
    AdapterError,
    address_problem,
    get_adapter,
    whatsapp_template,
)
from tremplin.messaging.message_types import MessageType
from tremplin.messaging.models import (
    DUE_STATUSES,
    Channel,
    MessageEvent,
    OutboundMessage,
    OutboundStatus,
)

log = logging.getLogger(__name__)

BATCH_SIZE = 100
RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
QUIET_CHANNELS = (Channel.SMS, Channel.WHATSAPP)
# WhatsApp's customer-service window: free text within 24 h of the person's last message.
WHATSAPP_WINDOW = timedelta(hours=24)
REMINDER_TYPES = (MessageType.SESSION_REMINDER_24H, MessageType.SESSION_REMINDER_1H)


def sending_timeout() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "MESSAGING_SENDING_TIMEOUT", 300)))


def quiet_hours_end(moment: datetime, zone: ZoneInfo) -> datetime | None:
    """When the quiet hours (21:00–08:00 in `zone`) around `moment` end; None outside them."""
    local = moment.astimezone(zone)
    if local.hour >= 21:
        day = local.date() + timedelta(days=1)
    elif local.hour < 8:
        day = local.date()
    else:
        return None
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=zone)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return ZoneInfo(settings.TIME_ZONE)


def _client_zones(messages: list[OutboundMessage]) -> dict[int, str]:
    """The time zone each client chose (one query for the batch; most have none)."""
    from tremplin.messaging.models import MessagingPreference

    ids = {
        message.client_id
        for message in messages
        if message.client_id and message.channel in QUIET_CHANNELS and not message.urgent
    }
    if not ids:
        return {}
    return dict(
        MessagingPreference.objects.filter(client_id__in=ids)
        .exclude(time_zone="")
        .values_list("client_id", "time_zone")
    )


def _whatsapp_windows(messages: list[OutboundMessage]) -> dict[tuple[int, str], datetime]:
    """{(agency id, number): the person's last WhatsApp message} for the batch (one query)."""
    from tremplin.messaging.models import InboundContact

    numbers = {message.to for message in messages if message.channel == Channel.WHATSAPP}
    if not numbers:
        return {}
    return {
        (agency_id, address): last
        for agency_id, address, last in InboundContact.objects.filter(
            channel=Channel.WHATSAPP, address__in=numbers
        ).values_list("agency_id", "address", "last_inbound_at")
    }


@dataclass
class Outcome:
    status: str
    detail: str = ""
    provider_id: str = ""
    send_after: datetime | None = None
    fallback: bool = False
    attempted: bool = True  # False: nothing was sent, the attempt does not count


def batch_size() -> int:
    return int(getattr(settings, "MESSAGING_BATCH_SIZE", BATCH_SIZE))


def claim(*, limit: int = BATCH_SIZE, pk: int | None = None) -> tuple[str, list[OutboundMessage]]:
    now = clock.now()
    token = uuid.uuid4().hex
    with scopes_disabled(), transaction.atomic():
        due = OutboundMessage.objects.filter(status__in=DUE_STATUSES, send_after__lte=now)
        if pk is not None:
            due = due.filter(pk=pk)
        due = due.order_by("send_after", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return token, []
        OutboundMessage.objects.filter(pk__in=ids, status__in=DUE_STATUSES).update(
            status=OutboundStatus.SENDING,
            claim_token=token,
            claimed_at=now,
            attempts=Case(When(in_doubt=True, then=F("attempts")), default=F("attempts") + 1),
        )
        claimed = list(
            OutboundMessage.objects.filter(pk__in=ids, claim_token=token).defer(
                "error", "dedupe_key"
            )
        )
        # Each agency once for the batch (its zone and slug), not one per row.
        agencies = Agency.objects.only("pk", "slug", "time_zone").in_bulk(
            {message.agency_id for message in claimed}
        )
    for message in claimed:
        message.agency = agencies[message.agency_id]
    return token, claimed


def _consents(messages: list[OutboundMessage]) -> dict[tuple[int, str], bool]:
    from tremplin.clients.models import ConsentRecord

    client_ids = {message.client_id for message in messages if message.client_id}
    if not client_ids:
        return {}
    answers: dict[tuple[int, str], bool] = {}
    records = (
        ConsentRecord.objects.filter(
            client_id__in=client_ids,
            purpose__in=[f"contact_{channel}" for channel in QUIET_CHANNELS + (Channel.EMAIL,)],
        )
        .order_by("recorded_at", "id")
        .values_list("client_id", "purpose", "given")
    )
    for client_id, purpose, given in records:  # the newest answer wins
        answers[(client_id, purpose.removeprefix("contact_"))] = given
    return answers


def _registrations(messages: list[OutboundMessage]) -> dict[int, object]:
    from tremplin.programs.models import Registration

    ids = [
        int(message.ref.split(":", 1)[1])
        for message in messages
        if message.message_type in REMINDER_TYPES and message.ref.startswith("registration:")
    ]
    if not ids:
        return {}
    return {
        registration.pk: registration
        for registration in Registration.objects.filter(pk__in=ids).select_related("session")
    }


def _ref_problem(message: OutboundMessage, registrations: dict, now: datetime) -> str | None:
    from tremplin.programs.models import RegistrationStatus, SessionStatus

    if message.message_type not in REMINDER_TYPES or not message.ref.startswith("registration:"):
        return None
    registration = registrations.get(int(message.ref.split(":", 1)[1]))
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        return "the registration was cancelled"
    if registration.session.status != SessionStatus.SCHEDULED:
        return "the session was cancelled"
    if registration.session.starts_at <= now:
        return "the session has already started"
    return None


def deliver(
    message: OutboundMessage,
    *,
    now: datetime,
    consents: dict,
    registrations: dict,
    zones: dict[int, str] | None = None,
    windows: dict[tuple[int, str], datetime] | None = None,
) -> Outcome:
    key = message.idempotency_key
    try:
        adapter = get_adapter(message.channel)
    except ValueError as error:
        return Outcome(OutboundStatus.FAILED, str(error), fallback=True, attempted=False)
    if message.in_doubt:
        provider_id = adapter.lookup(key)
        if provider_id:
            return Outcome(
                OutboundStatus.SENT,
                "already accepted by the provider (same idempotency key)",
                provider_id,
            )
    # A staff reply answers the person's own message: it needs no consent record, but a
    # withdrawal made since it was queued (STOP) still stops it.
    replying = message.message_type == MessageType.STAFF_REPLY
    if message.client_id is not None and not consents.get(
        (message.client_id, message.channel), replying
    ):
        return Outcome(
            OutboundStatus.SKIPPED, "no consent for this channel", fallback=True, attempted=False
        )
    problem = _ref_problem(message, registrations, now)
    if problem:
        return Outcome(OutboundStatus.SKIPPED, problem, attempted=False)
    if message.channel in QUIET_CHANNELS and not message.urgent:
        zone = (zones or {}).get(message.client_id or 0) or message.agency.time_zone
        until = quiet_hours_end(now, _zone(zone))
        if until is not None:
            return Outcome(
                OutboundStatus.DEFERRED,
                f"quiet hours until {until.isoformat()}",
                send_after=until,
                attempted=False,
            )
    problem = address_problem(message.channel, message.to)
    if problem:
        return Outcome(OutboundStatus.FAILED, problem, fallback=True, attempted=False)
    content_sid, detail = "", ""
    if message.channel == Channel.WHATSAPP:
        last = (windows or {}).get((message.agency_id, message.to))
        if last is None or now - last >= WHATSAPP_WINDOW:
            content_sid = whatsapp_template(message.message_type)
            if not content_sid:
                return Outcome(
                    OutboundStatus.FAILED,
                    "outside WhatsApp's 24-hour window and no approved template for this type",
                    fallback=True,
                    attempted=False,
                )
            detail = f"outside WhatsApp's 24-hour window: approved template {content_sid}"
    try:
        provider_id = adapter.send(
            to=message.to,
            text=message.text,
            language=message.language,
            subject=message.subject,
            key=key,
            message_type=message.message_type,
            status_callback=_status_callback(message),
            content_sid=content_sid,
        )
    except AdapterError as error:
        if not error.permanent and message.attempts < MAX_ATTEMPTS:
            return Outcome(
                OutboundStatus.RETRY,
                str(error),
                send_after=now + RETRY_DELAYS[max(message.attempts - 1, 0)],
            )
        return Outcome(OutboundStatus.FAILED, str(error), fallback=True)
    except Exception as error:  # noqa: BLE001 — a bug in an adapter must not stop the worker
        log.exception("messaging: adapter crashed on message %s", message.pk)
        if message.attempts < MAX_ATTEMPTS:
            return Outcome(
                OutboundStatus.RETRY,
                f"{type(error).__name__}: {error}",
                send_after=now + RETRY_DELAYS[max(message.attempts - 1, 0)],
            )
        return Outcome(OutboundStatus.FAILED, f"{type(error).__name__}: {error}", fallback=True)
    return Outcome(OutboundStatus.SENT, detail, provider_id=provider_id)


def _status_callback(message: OutboundMessage) -> str:
    base = getattr(settings, "MESSAGING_PUBLIC_URL", "")
    if not base or message.channel not in QUIET_CHANNELS:
        return ""
    return f"{base.rstrip('/')}/messaging/twilio/{message.agency.slug}/status/"


def record(token: str, results: list[tuple[OutboundMessage, Outcome]]) -> list[OutboundMessage]:
    """Write the outcomes still ours; returns the messages whose next channel must be tried."""
    from tremplin.messaging.services import message_fallback

    now = clock.now()
    events: list[tuple[int, int, str, str]] = []
    fallbacks = []
    with scopes_disabled(), transaction.atomic():
        held = OutboundMessage.objects.filter(
            pk__in=[message.pk for message, _outcome in results],
            claim_token=token,
            status=OutboundStatus.SENDING,
        )
        if connection.features.has_select_for_update:
            held = held.select_for_update()
        mine = set(held.values_list("pk", flat=True))  # the sweeper may have taken some back
        sent = [
            (message, outcome)
            for message, outcome in results
            if message.pk in mine and outcome.status == OutboundStatus.SENT
        ]
        if sent:  # the common case: one statement for the batch (UPDATE … FROM VALUES)
            _mark_sent([(m.pk, outcome.provider_id[:100]) for m, outcome in sent], now)
        for message, outcome in results:
            if message.pk not in mine:
                continue
            if outcome.status != OutboundStatus.SENT:
                fields: dict = {
                    "status": outcome.status,
                    "claim_token": "",
                    "in_doubt": False,
                    "error": outcome.detail[:500],
                }
                if outcome.send_after is not None:
                    fields["send_after"] = outcome.send_after
                if not outcome.attempted and not message.in_doubt:
                    fields["attempts"] = max(message.attempts - 1, 0)
                OutboundMessage.objects.filter(pk=message.pk).update(**fields)
            events.append(
                (
                    message.agency_id,
                    message.pk,
                    outcome.status,
                    (outcome.detail or f"attempt {message.attempts}")[:300],
                )
            )
            if outcome.fallback and message.fallback_channels:
                message.status, message.error = outcome.status, outcome.detail[:500]
                fallbacks.append(message)
        _insert_events(events, now)
        for message in fallbacks:
            message_fallback(message=message)
    return fallbacks


# Sent rows and their history are written in one statement each per batch, not through the
# ORM row by row: on PostgreSQL each row was a round trip, on SQLite the ORM's CPU dominated.


def _mark_sent(rows: list[tuple[int, str]], at: datetime) -> None:
    """(message id, provider id) rows: sent now (UPDATE … FROM, SQLite ≥ 3.33 and PostgreSQL)."""
    table = connection.ops.quote_name(OutboundMessage._meta.db_table)
    values = ", ".join(["(%s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH v(id, provider_id) AS (VALUES {values}) "  # noqa: S608
            f"UPDATE {table} SET status = %s, claim_token = '', in_doubt = %s, error = '', "
            f"sent_at = %s, provider_message_id = v.provider_id FROM v WHERE {table}.id = v.id",
            [
                *(value for row in rows for value in row),
                OutboundStatus.SENT,
                False,
                connection.ops.adapt_datetimefield_value(at),
            ],
        )


def _insert_events(events: list[tuple[int, int, str, str]], at: datetime) -> None:
    """The batch's status history: (agency id, message id, status, detail) rows."""
    if not events:
        return
    table = connection.ops.quote_name(MessageEvent._meta.db_table)
    moment = connection.ops.adapt_datetimefield_value(at)
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(events))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, message_id, status, detail, at) "  # noqa: S608
            f"VALUES {values}",
            [value for event in events for value in (*event, moment)],
        )


def run_batch(*, limit: int = BATCH_SIZE, pk: int | None = None) -> int:
    token, claimed = claim(limit=limit, pk=pk)
    if not claimed:
        return 0
    now = clock.now()
    with scopes_disabled():
        consents = _consents(claimed)
        registrations = _registrations(claimed)
        zones = _client_zones(claimed)
        windows = _whatsapp_windows(claimed)
    results = [
        (
            message,
            deliver(
                message,
                now=now,
                consents=consents,
                registrations=registrations,
                zones=zones,
                windows=windows,
            ),
        )
        for message in claimed
    ]
    record(token, results)
    return len(claimed)


def sweep() -> int:
    """Give back rows stuck in "sending" (their worker died) as queued and in doubt."""
    now = clock.now()
    cutoff = now - sending_timeout()
    with scopes_disabled(), transaction.atomic():
        stuck = list(
            OutboundMessage.objects.filter(
                status=OutboundStatus.SENDING, claimed_at__lt=cutoff
            ).values_list("pk", "agency_id")[:1000]
        )
        if not stuck:
            return 0
        OutboundMessage.objects.filter(
            pk__in=[pk for pk, _ in stuck], status=OutboundStatus.SENDING, claimed_at__lt=cutoff
        ).update(status=OutboundStatus.QUEUED, in_doubt=True, claim_token="", send_after=now)
        MessageEvent.objects.bulk_create(
            MessageEvent(
                agency_id=agency_id,
                message_id=pk,
                status=OutboundStatus.QUEUED,
                detail="taken back from a worker that stopped while sending",
                at=now,
            )
            for pk, agency_id in stuck
        )
    log.warning("messaging: %d message(s) taken back from stopped workers", len(stuck))
    return len(stuck)


_pump_wake: threading.Event | None = None


def pump_started() -> threading.Event:
    """This process runs the worker's pump: "look now" tasks set the returned event."""
    global _pump_wake
    _pump_wake = threading.Event()
    return _pump_wake


def wake_pump() -> bool:
    """Wake this process's pump; False when there is none (the caller drains itself)."""
    if _pump_wake is None:
        return False
    _pump_wake.set()
    return True


def drain(*, max_seconds: float = 20.0, batch: int | None = None) -> int:
    """Send what is due, batch after batch, for at most `max_seconds`."""
    started = time.monotonic()
    total = 0
    while time.monotonic() - started < max_seconds:
        done = run_batch(limit=batch or batch_size())
        total += done
        if done == 0:
            break
    return total
