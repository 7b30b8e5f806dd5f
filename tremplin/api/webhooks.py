"""Signed webhooks (the Standard Webhooks scheme), delivered by the worker with retries.

`webhook_emit` is what other apps call, inside the transaction of the change it announces:
it writes one delivery row per subscribed endpoint (rolled back with the change) and wakes
the worker when the transaction commits. The worker (`webhook_deliveries_send`, run by the
huey tasks in tasks.py) posts each due delivery:

- in order per object and endpoint: a delivery waits while an earlier one about the same
  object is not delivered yet, so a receiver that fails then recovers still sees
  "created" before "cancelled";
- retried with back-off (5 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 24 h, 24 h: 10 tries over
  about 69 hours); then given up, and the endpoint is turned off;
- a 410 Gone answer turns the endpoint off at once. Turning it back on resumes its waiting
  deliveries;
- only to public addresses, checked again at each try (addresses.py: no SSRF, no DNS
  rebinding); a refused address counts as a failed try.
"""

import http.client
import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django_scopes import scopes_disabled
from standardwebhooks.webhooks import Webhook

from tremplin.agencies.models import Agency
from tremplin.api.addresses import post
from tremplin.api.models import (
    DeliveryStatus,
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from tremplin.core.versions import agency_cached

logger = logging.getLogger(__name__)

RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
BATCH = 200


def webhook_emit(
    *,
    agency: Agency | int,
    event_type: str,
    object_type: str,
    object_id: int | str,
    endpoints: list[WebhookEndpoint] | None = None,
) -> None:
    """Announce `event_type` about one object to the agency's subscribed endpoints.

    Call it inside the service's transaction (or after it): nothing is sent unless the
    transaction commits. One query when no endpoint listens.
    """
    webhook_emit_many(
        agency=agency,
        event_type=event_type,
        object_type=object_type,
        object_ids=[object_id],
        endpoints=endpoints,
    )


ENDPOINTS = "webhook-endpoints"  # the kind of the agency's version in tremplin.core.versions


def _active_endpoints(agency_id: int) -> list[tuple[int, list[str]]]:
    """(id, events) of the agency's active endpoints, from the shared cache: every registration
    asks, and endpoints rarely change (a save or delete bumps the version, see ApiConfig)."""
    return agency_cached(
        ENDPOINTS,
        agency_id,
        lambda: list(
            WebhookEndpoint.objects.with_scope(agency=agency_id)
            .filter(agency_id=agency_id, is_active=True)
            .order_by("id")
            .values_list("id", "events")
        ),
        timeout=24 * 60 * 60,
    )


def webhook_listeners(*, agency: Agency | int, event_type: str) -> list[WebhookEndpoint]:
    """The agency's active endpoints subscribed to `event_type`."""
    if event_type not in EventType.values:
        raise ValueError(f"Unknown webhook event {event_type!r}.")
    agency_id = agency if isinstance(agency, int) else agency.pk
    return [
        WebhookEndpoint(pk=endpoint_id, agency_id=agency_id, events=events)
        for endpoint_id, events in _active_endpoints(agency_id)
        if event_type in events
    ]


def webhook_emit_many(
    *,
    agency: Agency | int,
    event_type: str,
    object_type: str,
    object_ids: Sequence[int | str],
    endpoints: list[WebhookEndpoint] | None = None,
) -> None:
    """`webhook_emit` for many objects at once (e.g. closing a session marks everyone not
    checked in absent): one event per object, in three queries whatever their number.

    `endpoints` from `webhook_listeners` read earlier lets a service ask before it takes a lock
    (a registration holds its session's row lock for as few statements as possible)."""
    if endpoints is None:
        endpoints = webhook_listeners(agency=agency, event_type=event_type)
    if not object_ids or not endpoints:
        return
    agency_id = agency if isinstance(agency, int) else agency.pk
    now = timezone.now()
    events = WebhookEvent.objects.with_scope(agency=agency_id).bulk_create(
        WebhookEvent(
            agency_id=agency_id,
            event_type=event_type,
            object_type=object_type,
            object_id=object_id,
            created_at=now,
        )
        for object_id in object_ids
    )
    WebhookDelivery.objects.with_scope(agency=agency_id).bulk_create(
        WebhookDelivery(
            agency_id=agency_id,
            endpoint=endpoint,
            event=event,
            object_key=f"{object_type}:{event.object_id}",
            created_at=now,
        )
        for event in events
        for endpoint in endpoints
    )
    transaction.on_commit(_wake_worker)


def _wake_worker() -> None:
    from tremplin.api.tasks import webhook_send_due

    webhook_send_due()


def payload_of(event: WebhookEvent, agency_slug: str) -> str:
    return json.dumps(
        {
            "type": event.event_type,
            "timestamp": event.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "data": {"agency": agency_slug, "object": event.object_type, "id": event.object_id},
        },
        separators=(",", ":"),
    )


def signed_headers(*, secret: str, message_id: str, body: str, at: datetime) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "Tremplin-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at.astimezone(UTC), body),
    }


def _post(url: str, body: str, headers: dict[str, str]) -> tuple[int | None, str]:
    """One POST (to a public address only, see addresses.py); (status, error)."""
    try:
        return post(url, body.encode(), headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS), ""
    except (OSError, ValueError, http.client.HTTPException) as error:
        return None, type(error).__name__ + ": " + str(error)[:200]


def _send(delivery: WebhookDelivery, now: datetime) -> bool:
    """One try; True when delivered."""
    endpoint, event = delivery.endpoint, delivery.event
    body = payload_of(event, endpoint.agency.slug)
    headers = signed_headers(
        secret=endpoint.secret, message_id=event.message_id, body=body, at=timezone.now()
    )
    status, error = _post(endpoint.url, body, headers)
    delivery.attempts += 1
    delivery.last_status_code = status
    delivery.last_error = error
    fields = ["attempts", "last_status_code", "last_error", "status", "next_attempt_at"]
    if status is not None and 200 <= status < 300:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = timezone.now()
        fields.append("delivered_at")
    elif status == 410:
        delivery.status = DeliveryStatus.FAILED
        _disable(endpoint, "410 Gone")
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        _disable(endpoint, "no successful delivery for 3 days")
    else:
        delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
        _schedule_retry(RETRY_DELAYS[delivery.attempts - 1])
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        **{field: getattr(delivery, field) for field in fields}
    )
    return delivery.status == DeliveryStatus.DELIVERED


def _disable(endpoint: WebhookEndpoint, reason: str) -> None:
    from tremplin.api.services import webhook_endpoint_set_active

    logger.warning("Webhook %s turned off: %s", endpoint.pk, reason)
    webhook_endpoint_set_active(endpoint=endpoint, active=False, actor=None, reason=reason)


def _schedule_retry(delay: timedelta) -> None:
    from tremplin.api.tasks import webhook_send_due

    if not settings.HUEY.get("immediate"):
        webhook_send_due.schedule(delay=int(delay.total_seconds()) + 1)


def webhook_deliveries_send(*, now: datetime | None = None) -> int:
    """Send every due delivery (oldest first, one at a time per object); returns how many
    were delivered. Safe to run in several workers at once: each delivery is claimed first."""
    now = now or timezone.now()
    sent = 0
    with scopes_disabled():
        due = list(
            WebhookDelivery.objects.filter(
                status=DeliveryStatus.PENDING, next_attempt_at__lte=now, endpoint__is_active=True
            )
            .select_related("endpoint__agency", "event")
            .order_by("id")[:BATCH]
        )
        if not due:
            return 0
        first_waiting = {
            (row["endpoint_id"], row["object_key"]): row["first"]
            for row in WebhookDelivery.objects.filter(
                status=DeliveryStatus.PENDING,
                endpoint_id__in={d.endpoint_id for d in due},
                object_key__in={d.object_key for d in due},
            )
            .values("endpoint_id", "object_key")
            .annotate(first=Min("id"))
        }
        blocked: set[tuple[int, str]] = set()
        disabled: set[int] = set()
        for delivery in due:
            key = (delivery.endpoint_id, delivery.object_key)
            if key in blocked or delivery.endpoint_id in disabled:
                continue
            if first_waiting.get(key, delivery.pk) < delivery.pk:
                blocked.add(key)  # an earlier event about this object is not delivered yet
                continue
            # Claim it (another worker may be looking at the same row).
            claimed = WebhookDelivery.objects.filter(
                pk=delivery.pk,
                status=DeliveryStatus.PENDING,
                next_attempt_at=delivery.next_attempt_at,
            ).update(next_attempt_at=now + timedelta(minutes=2))
            if not claimed:
                blocked.add(key)
                continue
            if _send(delivery, now):
                sent += 1
                first_waiting.pop(key, None)
                later = [d.pk for d in due if (d.endpoint_id, d.object_key) == key]
                bigger = [pk for pk in later if pk > delivery.pk]
                if bigger:
                    first_waiting[key] = min(bigger)
            else:
                blocked.add(key)
                if not delivery.endpoint.is_active:
                    disabled.add(delivery.endpoint_id)
    return sent
