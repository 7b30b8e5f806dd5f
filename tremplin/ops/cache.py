"""The shared caches: Redis (below), or, when there is no Redis, Django's database cache.

The database cache is what every process on one machine shares then.

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
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
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


class _ReusedRedisClient(RedisCacheClient):
    # Django builds a new redis.Redis per cache call, and each one builds its table of ~150
    # response callbacks: a third of a millisecond per call, more than the round trip. A client
    # is a thin, thread-safe wrapper over its connection pool (which reconnects after a fork),
    # so one per pool serves every call.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's private helpers, which its stubs do not declare.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[id(pool)] = client
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache with one client per connection pool instead of one per call."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusedRedisClient
