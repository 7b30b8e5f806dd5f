"""The access file: everything Tremplin holds about a client, readable and machine-readable.

Built from tremplin/privacy/graph.py, so every table that references the client appears (with
its rows, or empty), in the client's language. An app can add a section by defining
`access_client_data(client) -> dict[str, list[dict[str, str]]]` in `tremplin/<app>/privacy.py`.
"""

import importlib
import json
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tremplin.audit.labels import action_label
from tremplin.audit.models import AuditEvent
from tremplin.clients.models import Client
from tremplin.privacy.graph import client_rows, client_tables

# Never shown, even to the person themselves: secrets and internal machinery.
HIDDEN_FIELDS = {"password", "search_text", "normalized_text", "model_data", "secret", "data"}


def _value(row: models.Model, f: models.Field) -> Any:  # type: ignore[type-arg]
    if f.is_relation:
        target = getattr(row, f.name, None)
        if target is None:
            return None
        if f.name in ("agency",):
            return str(target)
        return str(target)
    value = getattr(row, f.attname)
    if f.choices and value not in (None, ""):
        return str(getattr(row, f"get_{f.name}_display")())
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(f, models.FileField):
        return value.name if value else ""
    if isinstance(value, bytes | memoryview):
        return None
    return value


def _serialize(row: models.Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in row._meta.concrete_fields:
        if f.name in HIDDEN_FIELDS or f.primary_key:
            continue
        value = _value(row, f)
        if value in (None, "", [], {}):
            continue
        out[str(f.verbose_name)] = value
    return out


def _app_sections(client: Client) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("tremplin."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.privacy")
        except ModuleNotFoundError:
            continue
        hook = getattr(module, "access_client_data", None)
        if hook is not None:
            extra.update(hook(client))
    return extra


def access_file_data(*, client: Client) -> dict[str, Any]:
    """The file's content: {"client", "generated_at", "tables": {label: {"title", "rows"}},
    "accesses": who opened or changed the record}; in the client's language."""
    language = client.preferred_language if client.preferred_language in ("en", "fr") else "en"
    with translation.override(language):
        found = client_rows(client)
        tables: dict[str, Any] = {}
        for model in client_tables():
            label = model._meta.label_lower
            tables[label] = {"title": str(model._meta.verbose_name_plural), "rows": []}
        for label, entry in found.items():
            rows = [_serialize(row) for row in entry.rows()]
            tables.setdefault(
                label, {"title": str(entry.model._meta.verbose_name_plural), "rows": []}
            )["rows"] = rows
        for title, rows in _app_sections(client).items():
            tables[f"extra.{title}"] = {"title": title, "rows": rows}
        events = (
            AuditEvent.objects.filter(agency_id=client.agency_id, client_id=client.pk)
            .select_related("actor")
            .order_by("created_at", "id")
        )
        accesses = [
            {
                _("When"): timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M"),
                _("Who"): str(event.actor) if event.actor else _("System"),
                _("What"): action_label(event.action),
            }
            for event in events
        ]
        return {
            "client": str(client),
            "agency": str(client.agency),
            "language": language,
            "generated_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "tables": tables,
            "accesses": accesses,
        }


def access_file_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()
