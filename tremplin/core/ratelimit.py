"""Fixed-window limits on repeated actions (messages, code guesses), counted in Django's cache.

The cache is Redis when REDIS_URL is set, so every app server counts the same events.
"""

import hashlib

from django.core.cache import cache


def rate_limited(*, bucket: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one event for `key` in `bucket`; True once more than `limit` happened in the window."""
    cache_key = f"ratelimit:{bucket}:" + hashlib.sha256(key.encode()).hexdigest()[:32]
    if cache.add(cache_key, 1, window_seconds):
        return False
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, window_seconds)
        return False
    return count > limit
