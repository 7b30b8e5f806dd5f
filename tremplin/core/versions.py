"""Per-agency version numbers in the shared cache, for cached values every app server must drop
at once when the rows behind them change.

A cached value is stored with its agency's version of that kind (in its key, or beside it); a
change bumps the version once it is committed, so the next read on every server misses and
reads the rows afresh. A reader that read the old rows just before the bump stores them with
the old version, which nobody accepts any more, so no stale value can outlive a change.
"""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save


def _key(kind: str, agency_id: int) -> str:
    return f"version:{kind}:{agency_id}"


def agency_version(kind: str, agency_id: int) -> int:
    return cache.get_or_set(_key(kind, agency_id), 1, None) or 1


Value = TypeVar("Value")


# The version of values about the agencies as a whole (agency ids start at 1).
EVERY_AGENCY = 0


def agency_cached(
    kind: str, agency_id: int, read: Callable[[], Value], timeout: int, *, part: str = ""
) -> Value:
    """The agency's value of `kind` (one per `part`): from the shared cache when it was stored
    under the current version (the value and the version come in one round trip), else
    `read()`."""
    version_key, value_key = _key(kind, agency_id), f"{kind}:{agency_id}:{part}"
    found = cache.get_many([version_key, value_key])
    version = found.get(version_key) or agency_version(kind, agency_id)
    stored = found.get(value_key)
    if stored is not None and stored[0] == version:
        return stored[1]
    value = read()
    cache.set(value_key, (version, value), timeout)
    return value


def agency_version_bump(kind: str, agency_id: int) -> None:
    """Every value of `kind` cached for the agency is stale from now on."""
    key = _key(kind, agency_id)
    try:
        cache.incr(key)
    except ValueError:  # no version yet: nothing was cached under one
        cache.set(key, 2, None)


def agency_version_bump_on_commit(kind: str, agency_id: int) -> None:
    """`agency_version_bump` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: agency_version_bump(kind, agency_id), robust=True)


Changed = TypeVar("Changed", bound=Model)


def bump_on_change(
    kind: str, models: Iterable[type[Changed]], agency_of: Callable[[Changed], int | None]
) -> None:
    """Connect (from AppConfig.ready) the models whose saves and deletes make the `kind` values
    of the agency `agency_of(instance)` stale, once committed; every path that writes them
    (services, admin, demo, tests) is covered."""

    def changed(sender: type[Changed], instance: Changed, **kwargs: Any) -> None:
        agency_id = agency_of(instance)
        if agency_id is not None:
            agency_version_bump_on_commit(kind, agency_id)

    for model in models:
        label = model._meta.label
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"{kind}-save-{label}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{kind}-del-{label}")
