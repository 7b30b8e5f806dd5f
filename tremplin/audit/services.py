from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency
from tremplin.audit.models import AuditEvent


def audit_event(
    *,
    agency: Agency,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    client_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """The event `audit_log` records, not yet saved: for a service that writes it in the same
    statement as the change it records (programs.services.registration_create)."""
    return AuditEvent(
        agency=agency,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        client_id=client_id,
        detail=detail or {},
    )


def audit_log(
    *,
    agency: Agency,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    client_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record a state change or an access to personal data.

    `action` is a dotted name such as "client.view" or "registration.cancel"; `detail` holds
    identifiers and field names only — never the personal values themselves.
    """
    event = audit_event(
        agency=agency, actor=actor, action=action, obj=obj, client_id=client_id, detail=detail
    )
    event.save(force_insert=True)
    return event
