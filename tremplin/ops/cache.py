"""The cache every process on one machine shares when there is no Redis: Django's database cache.

Django's `DatabaseCache.add()` is atomic (the unique cache key decides between two processes),
which is what allauth's throttle lock and its used-TOTP-code marker rely on. Django's `incr()` is
a read-then-write; here it runs in one transaction holding the row (PostgreSQL's
`SELECT … FOR UPDATE`; SQLite's IMMEDIATE transactions serialise writers) and rewrites only the
value, keeping the expiry of the first hit, so `tremplin.core.ratelimit` loses no hits across
workers.
"""

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction

TABLE = "tremplin_cache"


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        cache_key = self.make_and_validate_key(key, version=version)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db):
            with connection.cursor() as cursor:
                # Takes the row lock on PostgreSQL (and, on SQLite, the write lock taken at BEGIN
                # IMMEDIATE is already held), so the read below is the latest value.
                cursor.execute(
                    f"SELECT cache_key FROM {table} WHERE cache_key = %s{lock}", [cache_key]
                )
            value = self.get(key, self._missing_key, version=version)
            if value is self._missing_key:
                raise ValueError(f"Key '{key}' not found.")
            new_value = value + delta
            pickled = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode(
                "latin1"
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET value = %s WHERE cache_key = %s", [pickled, cache_key]
                )
        return new_value
