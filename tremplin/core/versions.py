"""Per-agency version numbers in the shared cache, for cached values every app server must drop
at once when the rows behind them change.

A cached value's key holds its agency's version of that kind; a change bumps the version once
it is committed, so the next read on every server misses and reads the rows afresh. A reader
that read the old rows just before the bump stores them under the old version, where nobody
looks any more, so no stale value can outlive a change.
"""

from django.core.cache import cache
from django.db import transaction


def _key(kind: str, agency_id: int) -> str:
    return f"version:{kind}:{agency_id}"


def agency_version(kind: str, agency_id: int) -> int:
    return cache.get_or_set(_key(kind, agency_id), 1, None) or 1


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
