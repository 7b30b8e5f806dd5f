"""Writes for clients' privacy rights: requests, erasure, legal holds, retention (docs/privacy.md)."""

import importlib
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency
from tremplin.audit.services import audit_log
from tremplin.clients.models import Client
from tremplin.core.services import Actor
from tremplin.privacy.graph import client_rows, erasable_fields
from tremplin.privacy.models import (
    LegalHold,
    PrivacyRequest,
    RequestKind,
    RequestStatus,
    RetentionPolicy,
    RetentionRun,
)


def _person(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def active_hold(*, client: Client) -> LegalHold | None:
    return (
        LegalHold.objects.with_scope(agency=client.agency)  # type: ignore[attr-defined]
        .filter(client=client, released_at__isnull=True)
        .first()
    )


# ---- access --------------------------------------------------------------------------------


@transaction.atomic
def access_request_record(*, client: Client, actor: Actor, reason: str = "") -> PrivacyRequest:
    """Staff record a request received by phone, mail or at the desk (30 days to answer)."""
    request = PrivacyRequest.objects.create(
        agency=client.agency,
        client=client,
        kind=RequestKind.ACCESS,
        reason=reason.strip()[:1000],
        requested_by=_person(actor),
    )
    audit_log(
        agency=client.agency,
        actor=actor,
        action="privacy.access_request",
        obj=request,
        client_id=client.pk,
    )
    return request


@transaction.atomic
def access_file_delivered(*, client: Client, actor: Actor, file_format: str) -> None:
    """Record a download of the access file; answers the open access requests."""
    now = timezone.now()
    open_requests = PrivacyRequest.objects.with_scope(agency=client.agency).filter(  # type: ignore[attr-defined]
        client=client, kind=RequestKind.ACCESS, status=RequestStatus.PENDING
    )
    answered = list(open_requests.values_list("pk", flat=True))
    open_requests.update(status=RequestStatus.DONE, fulfilled_at=now, decided_by=_person(actor))
    audit_log(
        agency=client.agency,
        actor=actor,
        action="privacy.access_file",
        obj=client,
        client_id=client.pk,
        detail={"format": file_format, "answered_requests": answered},
    )


# ---- erasure -------------------------------------------------------------------------------


@transaction.atomic
def erasure_request(*, client: Client, actor: Actor, reason: str) -> PrivacyRequest:
    """Staff record a request to erase; a second staff member approves it (erasure_approve)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for the erasure."), code="no_reason")
    if active_hold(client=client) is not None:
        raise ValidationError(
            _("A legal hold is on this record: it cannot be erased until the hold is released."),
            code="held",
        )
    if (
        PrivacyRequest.objects.with_scope(agency=client.agency)
        .filter(  # type: ignore[attr-defined]
            client=client, kind=RequestKind.ERASURE, status=RequestStatus.PENDING
        )
        .exists()
    ):
        raise ValidationError(
            _("An erasure request for this record is already waiting for approval."),
            code="pending",
        )
    request = PrivacyRequest.objects.create(
        agency=client.agency,
        client=client,
        kind=RequestKind.ERASURE,
        reason=reason[:1000],
        requested_by=_person(actor),
    )
    audit_log(
        agency=client.agency,
        actor=actor,
        action="privacy.erasure_request",
        obj=request,
        client_id=client.pk,
    )
    return request


@transaction.atomic
def erasure_approve(*, request: PrivacyRequest, actor: Actor) -> dict[str, int]:
    """A second person approves: the record becomes an anonymous stub (see erase_client)."""
    request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    if request.kind != RequestKind.ERASURE or request.status != RequestStatus.PENDING:
        raise ValidationError(_("This request has already been answered."), code="answered")
    person = _person(actor)
    if person is None or person.pk == request.requested_by_id:
        raise ValidationError(
            _("Another staff member must approve the erasure you requested."), code="same_person"
        )
    client = Client.objects.with_scope(agency=request.agency).get(pk=request.client_id)  # type: ignore[attr-defined]
    if active_hold(client=client) is not None:
        raise ValidationError(
            _("A legal hold is on this record: it cannot be erased until the hold is released."),
            code="held",
        )
    counts = erase_client(client=client)
    request.status = RequestStatus.DONE
    request.decided_by = person
    request.fulfilled_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "fulfilled_at"])
    audit_log(
        agency=client.agency,
        actor=actor,
        action="privacy.erasure_approve",
        obj=request,
        client_id=client.pk,
        detail={"rows": counts},
    )
    return counts


@transaction.atomic
def erasure_refuse(*, request: PrivacyRequest, actor: Actor, reason: str) -> PrivacyRequest:
    if request.status != RequestStatus.PENDING:
        raise ValidationError(_("This request has already been answered."), code="answered")
    if not reason.strip():
        raise ValidationError(_("Give the reason for the refusal."), code="no_reason")
    request.status = RequestStatus.REFUSED
    request.decided_by = _person(actor)
    request.fulfilled_at = timezone.now()
    request.refusal_reason = reason.strip()[:1000]
    request.save(update_fields=["status", "decided_by", "fulfilled_at", "refusal_reason"])
    audit_log(
        agency=request.agency,
        actor=actor,
        action="privacy.erasure_refuse",
        obj=request,
        client_id=request.client_id,
    )
    return request


def _blank(f: models.Field) -> Any:  # type: ignore[type-arg]
    if isinstance(f, models.JSONField):
        default = f.get_default()
        return default if default is not None else ({} if not f.null else None)
    return None if f.null else ""


def _scrub_outbox(addresses: set[str], message_ids: set[int]) -> None:
    """The file adapter's outbox (var/outbox/*.jsonl): drop the lines sent to the client, found
    by their message (the key starts with its id: a number changed since still finds them) or
    by the client's addresses."""
    folder = Path(getattr(settings, "MESSAGING_OUTBOX_DIR", ""))
    if not (addresses or message_ids) or not folder.is_dir():
        return
    keys = tuple(f"{message_id}:" for message_id in message_ids)
    for path in folder.glob("*.jsonl"):
        lines = path.read_text(encoding="utf-8").splitlines()
        kept = []
        for line in lines:
            try:
                sent = json.loads(line)
            except ValueError:
                sent = {}
            to, key = str(sent.get("to", "")), str(sent.get("key", ""))
            if not (to.removeprefix("whatsapp:") in addresses or key.startswith(keys)):
                kept.append(line)
        if len(kept) != len(lines):
            path.write_text("".join(f"{line}\n" for line in kept), encoding="utf-8")


def _app_hooks(client: Client) -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("tremplin."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.privacy")
        except ModuleNotFoundError:
            continue
        hook = getattr(module, "erase_client_data", None)
        if hook is not None:
            hook(client)


def erase_client(*, client: Client) -> dict[str, int]:
    """Replace every identifying value of the client, in every table, with an anonymous stub.

    Rows stay (a registration, its mode and attendance, a completion, an outcome): the figures
    count them still. Text, JSON and file columns of the client's rows are blanked (see
    graph.erasable_fields), uploaded files deleted, the login disabled and renamed, the
    outbox files scrubbed. Called inside the approving transaction or by the retention task.
    """
    addresses = {value for value in (client.phone, client.email) if value}
    found = client_rows(client)
    _app_hooks(client)
    User = get_user_model()
    counts: dict[str, int] = {}
    for label, entry in found.items():
        module = entry.model.__module__
        if entry.how == "login" and not module.startswith("tremplin."):
            # The login's machinery (email addresses, authenticators, sessions of allauth).
            entry.rows().delete()
            counts[label] = len(entry.pks)
            continue
        fields = erasable_fields(entry.model)
        for f in fields:
            if isinstance(f, models.FileField):
                for row in entry.rows().exclude(**{f.name: ""}):
                    stored = getattr(row, f.name)
                    if stored:
                        stored.delete(save=False)
        changes = {f.name: _blank(f) for f in fields}
        if entry.model is User:
            changes.pop("password", None)
            changes.pop("email", None)
        if entry.model is Client:
            changes.update(first_name="—", last_name=f"#{client.pk}", birth_date=None, user=None)
        if changes:
            entry.rows().update(**changes)
        counts[label] = len(entry.pks)
    if client.user_id:
        login = User._base_manager.get(pk=client.user_id)
        login.email = f"erased-{login.pk}@invalid.invalid"
        login.first_name = ""
        login.last_name = ""
        login.is_active = False
        login.set_unusable_password()
        login.save()
    messages = found.get("messaging.outboundmessage")
    _scrub_outbox(addresses, messages.pks if messages else set())
    return counts


# ---- legal holds ---------------------------------------------------------------------------


@transaction.atomic
def legal_hold_place(*, client: Client, actor: Actor, reason: str) -> LegalHold:
    if not reason.strip():
        raise ValidationError(_("Give the reason for the hold."), code="no_reason")
    hold = LegalHold.objects.create(
        agency=client.agency, client=client, reason=reason.strip()[:200], placed_by=_person(actor)
    )
    audit_log(
        agency=client.agency,
        actor=actor,
        action="privacy.hold_place",
        obj=hold,
        client_id=client.pk,
    )
    return hold


@transaction.atomic
def legal_hold_release(*, hold: LegalHold, actor: Actor) -> LegalHold:
    if hold.released_at is None:
        hold.released_at = timezone.now()
        hold.save(update_fields=["released_at"])
        audit_log(
            agency=hold.agency,
            actor=actor,
            action="privacy.hold_release",
            obj=hold,
            client_id=hold.client_id,
        )
    return hold


# ---- retention -----------------------------------------------------------------------------


@transaction.atomic
def retention_set(*, agency: Agency, inactive_years: int | None, actor: Actor) -> RetentionPolicy:
    if inactive_years is not None and not 1 <= inactive_years <= 50:
        raise ValidationError(_("Choose between 1 and 50 years."), code="range")
    policy, _created = RetentionPolicy.objects.with_scope(agency=agency).get_or_create(  # type: ignore[attr-defined]
        agency=agency
    )
    policy.inactive_years = inactive_years
    policy.save(update_fields=["inactive_years", "updated_at"])
    audit_log(
        agency=agency,
        actor=actor,
        action="privacy.retention_set",
        obj=policy,
        detail={"inactive_years": inactive_years},
    )
    return policy


def retention_cutoff(*, agency: Agency, now: datetime | None = None) -> datetime | None:
    policy = RetentionPolicy.objects.with_scope(agency=agency).filter(agency=agency).first()  # type: ignore[attr-defined]
    if policy is None or not policy.inactive_years:
        return None
    return (now or timezone.now()) - timedelta(days=365 * policy.inactive_years)


@transaction.atomic
def retention_apply(*, agency: Agency, now: datetime | None = None) -> RetentionRun | None:
    """Erase the records inactive since the cutoff, except those under a legal hold; log it."""
    from tremplin.privacy.selectors import retention_preview

    cutoff = retention_cutoff(agency=agency, now=now)
    if cutoff is None:
        return None
    preview = retention_preview(agency=agency, cutoff=cutoff)
    for client in preview.to_erase:
        erase_client(client=client)
        PrivacyRequest.objects.create(
            agency=agency,
            client=client,
            kind=RequestKind.ERASURE,
            status=RequestStatus.DONE,
            reason=_("Retention policy: no activity since %(date)s")
            % {"date": cutoff.date().isoformat()},
            fulfilled_at=timezone.now(),
        )
        audit_log(
            agency=agency,
            actor=None,
            action="privacy.retention_run",
            obj=client,
            client_id=client.pk,
        )
    run = RetentionRun.objects.create(
        agency=agency, cutoff=cutoff, erased=len(preview.to_erase), held=len(preview.held)
    )
    return run
