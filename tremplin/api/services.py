"""Writes of the api app: tokens, webhook endpoints, idempotency records."""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency, Network
from tremplin.api.addresses import subscription_refused
from tremplin.api.models import (
    AGENCY_SCOPES,
    NETWORK_SCOPE,
    ApiToken,
    EventType,
    IdempotencyKey,
    NetworkAuditEvent,
    WebhookEndpoint,
)
from tremplin.audit.services import audit_log

Actor = User | AnonymousUser | None

TOKEN_PREFIX = "tpl_"
MAX_TOKEN_DAYS = 366


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _person(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _check_expiry(expires_at: datetime | None) -> None:
    now = timezone.now()
    if expires_at is None:
        raise ValidationError({"expires_at": _("Give an expiry date.")})
    if expires_at <= now:
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    if expires_at > now + timedelta(days=MAX_TOKEN_DAYS):
        raise ValidationError({"expires_at": _("A token lasts at most one year.")})


@transaction.atomic
def token_create(
    *,
    agency: Agency | None,
    network: Network,
    actor: Actor,
    name: str,
    scopes: Sequence[str],
    expires_at: datetime | None,
    rate_limit_per_minute: int | None = None,
    secret: str | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; returns it and its secret, which is shown once and never stored.
    (`secret` is for the demo only: normally the token is 256 random bits.)"""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    allowed = AGENCY_SCOPES if agency is not None else (NETWORK_SCOPE,)
    unknown = [scope for scope in scopes if scope not in allowed]
    if unknown or not scopes:
        raise ValidationError({"scopes": _("Choose at least one permission from the list.")})
    _check_expiry(expires_at)
    raw = secret or TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.with_scope(agency=agency).create(
        agency=agency,
        network=network,
        name=name[:100],
        prefix=raw[:12],
        key_hash=token_hash(raw),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
        rate_limit_per_minute=rate_limit_per_minute or settings.API_RATE_LIMIT_PER_MINUTE,
        created_by=_person(actor),
    )
    _token_audit(token, actor=actor, action="api_token.create", detail={"scopes": token.scopes})
    return token, raw


def _token_audit(
    token: ApiToken, *, actor: Actor, action: str, detail: dict[str, object] | None = None
) -> None:
    """An agency token's events go to the agency's audit log, a network token's to the
    network's (NetworkAuditEvent): both name the token."""
    detail = {"token": token.name, **(detail or {})}
    if token.agency is not None:
        audit_log(agency=token.agency, actor=actor, action=action, obj=token, detail=detail)
    else:
        NetworkAuditEvent.objects.create(
            network_id=token.network_id,
            actor=_person(actor),
            token=token,
            action=action,
            detail=detail,
        )


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: Actor) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = _person(actor)
        token.save(update_fields=["revoked_at", "revoked_by"])
        _token_audit(token, actor=actor, action="api_token.revoke")
    return token


def token_touch(*, token: ApiToken) -> None:
    """Record the last use, at most once a minute (one cheap UPDATE, no row lock held)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(seconds=60):
        ApiToken.objects.with_scopes_disabled().filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def idempotency_keys_purge(*, older_than: timedelta = timedelta(hours=24)) -> int:
    """Forget the answers kept for Idempotency-Key after a day (run by the worker)."""
    with scopes_disabled():
        deleted, _rows = IdempotencyKey.objects.filter(
            created_at__lt=timezone.now() - older_than
        ).delete()
    return deleted


def request_log(*, token: ApiToken, method: str, route: str, status: int) -> None:
    """Every request through a token is audited with the token's name (ids only, no values)."""
    _token_audit(
        token,
        actor=None,
        action="api.request",
        detail={"method": method, "route": route, "status": status},
    )


# ---------------------------------------------------------------------------------------------
# Webhook endpoints


def _check_url(url: str) -> str:
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises ValueError when the port is not a number
    except ValueError:
        raise ValidationError({"url": _("Enter a valid address.")}) from None
    local = parts.hostname in {"127.0.0.1", "localhost", "::1"}
    secure = parts.scheme == "https" and parts.hostname
    if not secure and not (
        parts.scheme == "http" and local and settings.WEBHOOK_ALLOW_HTTP_LOCALHOST
    ):
        raise ValidationError({"url": _("The address must start with https://.")})
    if subscription_refused(url):
        raise ValidationError(
            {
                "url": _(
                    "This address is on a private or local network, which Tremplin does not "
                    "call. Give an address on the public internet."
                )
            }
        )
    return url


def _check_events(events: Sequence[str]) -> list[str]:
    if not events or any(event not in EventType.values for event in events):
        raise ValidationError({"events": _("Choose at least one event from the list.")})
    return sorted(set(events))


@transaction.atomic
def webhook_endpoint_create(
    *, agency: Agency, actor: Actor, url: str, events: Sequence[str], description: str = ""
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.with_scope(agency=agency).create(
        agency=agency,
        url=_check_url(url),
        events=_check_events(events),
        description=description.strip()[:200],
        created_by=_person(actor),
    )
    audit_log(agency=agency, actor=actor, action="webhook.create", obj=endpoint)
    return endpoint


@transaction.atomic
def webhook_endpoint_set_active(
    *, endpoint: WebhookEndpoint, active: bool, actor: Actor, reason: str = ""
) -> WebhookEndpoint:
    endpoint.is_active = active
    endpoint.disabled_reason = "" if active else reason[:200]
    endpoint.save(update_fields=["is_active", "disabled_reason"])
    audit_log(
        agency=endpoint.agency,
        actor=actor,
        action="webhook.enable" if active else "webhook.disable",
        obj=endpoint,
        detail={"reason": reason[:200]} if reason else {},
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, actor: Actor) -> None:
    audit_log(agency=endpoint.agency, actor=actor, action="webhook.delete", obj=endpoint)
    endpoint.delete()
