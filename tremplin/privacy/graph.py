"""The client's rows, found generically from the model graph (like the clients merge).

A row belongs to a client when
  1. its table points at the client (any `Client._meta.related_objects`, whatever on_delete);
  2. its table points at the client's sign-in (`User`) with on_delete=CASCADE (the rows that
     would go with the login: enrolments, email addresses, memberships…);
  3. it is addressed to the client's phone or email in the agency (a field named in
     ADDRESS_FIELDS, e.g. an SMS conversation not yet linked to the record, an outbox row);
  4. recursively, its table points at a row found above with on_delete=CASCADE (a
     conversation's messages, an enrolment's progress and certificate).
References with SET_NULL or PROTECT beyond the first step (an audit event's actor, the staff
member who registered someone) are references, not the client's own rows.

So new apps are covered without editing this file. A model can declare:
  - `PRIVACY_KEEP_FIELDS = ("field", …)`: text columns erasure leaves alone (codes the figures
    need that are not declared with `choices`);
  - `PRIVACY_SKIP = True`: the table is never erased nor listed (logs about the request itself).
Columns with `choices`, unique columns and relations are never blanked: they are codes or keys.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import ForeignObjectRel, ManyToManyRel

from tremplin.clients.models import Client

ADDRESS_FIELDS = ("address", "to", "phone", "email", "recipient", "from_number", "sender")

# Tables that are about the request or the log, never the client's data to erase.
ALWAYS_SKIP = {"audit.auditevent", "privacy.privacyrequest", "privacy.legalhold"}


@dataclass
class Found:
    model: type[models.Model]
    pks: set = field(default_factory=set)  # type: ignore[type-arg]
    how: str = ""

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def rows(self) -> models.QuerySet:
        return self.model._base_manager.filter(pk__in=self.pks).order_by("pk")


def _skipped(model: type[models.Model]) -> bool:
    return model._meta.label_lower in ALWAYS_SKIP or bool(getattr(model, "PRIVACY_SKIP", False))


def client_tables() -> list[type[models.Model]]:
    """Every table that references the client directly (for the access file's completeness)."""
    seen: list[type[models.Model]] = []
    for relation in Client._meta.related_objects:
        model: Any = (
            relation.through if isinstance(relation, ManyToManyRel) else relation.related_model
        )
        if model is not None and model not in seen and not _skipped(model):
            seen.append(model)
    return seen


def _relations(model: type[models.Model]) -> Iterator[tuple[type[models.Model], str, bool]]:
    """(model holding the FK, FK name, cascades) for every table pointing at `model`."""
    for relation in model._meta.related_objects:
        if isinstance(relation, ManyToManyRel):
            through = relation.through
            assert through is not None
            name = next(
                f.name for f in through._meta.fields if f.is_relation and f.related_model is model
            )
            yield through, name, True
        elif isinstance(relation, ForeignObjectRel):
            yield (
                relation.field.model,
                relation.field.name,
                relation.on_delete is models.CASCADE,
            )


def client_rows(client: Client) -> dict[str, Found]:
    """Every row belonging to `client`, by table label (the client row itself included)."""
    found: dict[str, Found] = {}

    def add(model: type[models.Model], pks: set, how: str) -> set:  # type: ignore[type-arg]
        if not pks or _skipped(model):
            return set()
        entry = found.setdefault(model._meta.label_lower, Found(model=model, how=how))
        new = pks - entry.pks
        entry.pks |= new
        return new

    queue: list[tuple[type[models.Model], set]] = []  # type: ignore[type-arg]
    add(Client, {client.pk}, "record")
    for model, name, _cascade in _relations(Client):
        pks = set(model._base_manager.filter(**{name: client}).values_list("pk", flat=True))
        queue.append((model, add(model, pks, "client")))
    User = get_user_model()
    if client.user_id:
        add(User, {client.user_id}, "login")
        for model, name, cascade in _relations(User):
            if not cascade:
                continue
            pks = set(
                model._base_manager.filter(**{name: client.user_id}).values_list("pk", flat=True)
            )
            queue.append((model, add(model, pks, "login")))
    addresses = {value for value in (client.phone, client.email) if value}
    if addresses:
        for model in apps.get_models():
            names = {f.name for f in model._meta.concrete_fields}
            if "agency" not in names or model is Client:
                continue
            for name in ADDRESS_FIELDS:
                if name in names and isinstance(
                    model._meta.get_field(name), models.CharField | models.TextField
                ):
                    pks = set(
                        model._base_manager.filter(
                            agency_id=client.agency_id, **{f"{name}__in": addresses}
                        ).values_list("pk", flat=True)
                    )
                    queue.append((model, add(model, pks, "address")))
    while queue:
        model, pks = queue.pop()
        if not pks:
            continue
        for child, name, cascade in _relations(model):
            if not cascade or child is Client:
                continue
            child_pks = set(
                child._base_manager.filter(**{f"{name}__in": pks}).values_list("pk", flat=True)
            )
            queue.append((child, add(child, child_pks, "cascade")))
    return found


def erasable_fields(model: type[models.Model]) -> list[models.Field]:  # type: ignore[type-arg]
    """The text, JSON and file columns erasure blanks (see the module docstring)."""
    keep = set(getattr(model, "PRIVACY_KEEP_FIELDS", ()))
    unique_together = {
        name
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        for name in constraint.fields
    }
    out: list[models.Field] = []  # type: ignore[type-arg]
    for f in model._meta.concrete_fields:
        if f.primary_key or f.is_relation or f.choices or f.name in keep or f.unique:
            continue
        if f.name in unique_together:
            continue
        if isinstance(f, models.CharField | models.TextField | models.JSONField | models.FileField):
            out.append(f)
    return out
