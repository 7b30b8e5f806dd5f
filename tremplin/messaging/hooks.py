"""What the programs app tells clients, through `notify`: registrations, waitlist promotions,
session changes and cancellations, and the reminders 24 h and 1 h before a session.

The programs services call the `on_*` functions with `transaction.on_commit(…, robust=True)`,
so a message is queued only for a change that was committed and a messaging problem never
undoes a registration. `reminders_queue` runs every minute (tasks.messaging_tick).
"""

from datetime import timedelta
from urllib.parse import quote_plus

from django.db import transaction
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from tremplin.messaging import clock
from tremplin.messaging.message_types import MessageType
from tremplin.messaging.services import Recipient, notify, notify_many

REMINDERS = (
    (MessageType.SESSION_REMINDER_24H, timedelta(hours=24)),
    (MessageType.SESSION_REMINDER_1H, timedelta(hours=1)),
)


def where_text(registration) -> str:
    """Address and directions in person, the join link online; for a hybrid session, the mode
    the person chose first. In the active language."""
    from tremplin.programs.models import AttendanceMode

    session = registration.session
    if registration.mode == AttendanceMode.ONLINE:
        place = (
            _("Join online: %(link)s") % {"link": session.join_url}
            if session.join_url
            else _("The link to join online will be on your registrations page.")
        )
    elif session.location is not None:
        location = session.location
        address = ", ".join(
            part
            for part in (str(location.name), location.address, location.city, location.postal_code)
            if part
        )
        place = _("Address: %(address)s. Directions: %(map)s") % {
            "address": address,
            "map": "https://www.openstreetmap.org/search?query="
            + quote_plus(", ".join(p for p in (location.address, location.city) if p) or address),
        }
    else:
        place = ""
    if session.delivery_mode == "hybrid":
        chosen = (
            _("You chose to attend online.")
            if registration.mode == AttendanceMode.ONLINE
            else _("You chose to attend in person.")
        )
        return f"{chosen} {place}".strip()
    return place


lazy_where = lazy(where_text, str)


def _context(registration) -> dict[str, object]:
    return {
        "session": registration.session.title,  # translated field: rendered in the client's language
        "when": registration.session.starts_at,
        "where": lazy_where(registration),
        "position": registration.waitlist_position or "",
    }


def _registrations(ids):
    from tremplin.programs.models import Registration

    return Registration.objects.filter(pk__in=list(ids)).select_related(
        "session__location", "client__agency"
    )


def on_registration_created() -> None:
    """Ask a worker to tell the people just registered. The registration row carries
    `notice_pending`, so the message is made off the request (a registration rush spends its
    time on seats, not on templates) and a lost task only delays it to the next tick."""
    from tremplin.messaging.tasks import send_registration_notices

    send_registration_notices()


def registration_notices_send(*, limit: int = 500) -> int:
    """Confirmed or waitlisted: tell each person whose registration has a pending notice, once
    (a conditional UPDATE claims the row in the same transaction as the message)."""
    from tremplin.programs.models import Registration, RegistrationStatus

    sent = 0
    with scopes_disabled():
        pending = list(
            Registration.objects.filter(notice_pending=True)
            .select_related("session__location", "client__agency")
            .order_by("id")[:limit]
        )
        for registration in pending:
            with transaction.atomic():
                claimed = Registration.objects.filter(
                    pk=registration.pk, notice_pending=True
                ).update(notice_pending=False)
                if not claimed or registration.status == RegistrationStatus.CANCELLED:
                    continue
                message_type = (
                    MessageType.WAITLISTED
                    if registration.status == RegistrationStatus.WAITLISTED
                    else MessageType.REGISTRATION_CONFIRMED
                )
                sent += len(
                    notify(
                        message_type=message_type,
                        client=registration.client,
                        context=_context(registration),
                        ref=f"registration:{registration.pk}",
                    )
                )
    return sent


def on_registrations_promoted(registration_ids: list[int]) -> None:
    from tremplin.programs.services import registration_mark_promotion_notified

    with scopes_disabled():
        for registration in _registrations(registration_ids).filter(
            promotion_notified_at__isnull=True
        ):
            with transaction.atomic():
                notify(
                    message_type=MessageType.WAITLIST_PROMOTED,
                    client=registration.client,
                    context=_context(registration),
                    ref=f"registration:{registration.pk}",
                    dedupe_key=f"promoted:{registration.pk}:{int(registration.promoted_at.timestamp())}",
                )
                registration_mark_promotion_notified(registration=registration)


def promotions_catch_up() -> None:
    """Promotions nobody was told about (e.g. a crash before the commit hook): tell them now."""
    from tremplin.agencies.models import Agency
    from tremplin.programs.selectors import registration_list_promotions_to_notify

    for agency in Agency.objects.filter(is_active=True):
        ids = list(
            registration_list_promotions_to_notify(agency=agency).values_list("pk", flat=True)[:500]
        )
        if ids:
            on_registrations_promoted(ids)


def _active_registrations(session_id: int):
    from tremplin.programs.models import Registration, RegistrationStatus

    return (
        Registration.objects.filter(session_id=session_id)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("session__location", "client__agency")
    )


def on_session_changed(session_id: int) -> None:
    with scopes_disabled():
        registrations = list(_active_registrations(session_id))
        if registrations:
            notify_many(
                message_type=MessageType.SESSION_CHANGED,
                recipients=[
                    Recipient(r.client, _context(r), ref=f"registration:{r.pk}")
                    for r in registrations
                ],
            )


def on_session_cancelled(session_id: int) -> None:
    with scopes_disabled():
        registrations = list(_active_registrations(session_id))
        if registrations:
            notify_many(
                message_type=MessageType.SESSION_CANCELLED,
                recipients=[
                    Recipient(
                        r.client,
                        _context(r),
                        ref=f"registration:{r.pk}",
                        dedupe_key=f"cancelled:{r.pk}",
                    )
                    for r in registrations
                ],
            )


def reminders_queue() -> int:
    """Queue the 24 h and 1 h reminders now due, once per registration (dedupe key)."""
    from tremplin.messaging.models import OutboundMessage
    from tremplin.programs.models import Registration, RegistrationStatus, SessionStatus

    now = clock.now()
    queued = 0
    with scopes_disabled():
        for message_type, before in REMINDERS:
            # Due from `before` the start; the 24 h one is not sent when only the 1 h one is left.
            later = timedelta(hours=1) if message_type == MessageType.SESSION_REMINDER_24H else None
            window = Q(session__starts_at__lte=now + before, session__starts_at__gt=now)
            if later is not None:
                window &= Q(session__starts_at__gt=now + later)
            registrations = (
                Registration.objects.filter(
                    window,
                    status=RegistrationStatus.CONFIRMED,
                    session__status=SessionStatus.SCHEDULED,
                )
                .select_related("session__location", "client__agency")
                .order_by("session__starts_at", "id")
            )
            keys = {
                f"{message_type}:{registration.pk}": registration
                for registration in registrations[:2000]
            }
            done = set(
                OutboundMessage.objects.filter(dedupe_key__in=list(keys)).values_list(
                    "dedupe_key", flat=True
                )
            )
            for key, registration in keys.items():
                if key in done:
                    continue
                queued += len(
                    notify(
                        message_type=message_type,
                        client=registration.client,
                        context=_context(registration),
                        ref=f"registration:{registration.pk}",
                        dedupe_key=key,
                    )
                )
    return queued
