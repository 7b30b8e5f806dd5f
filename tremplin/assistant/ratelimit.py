"""A fixed-window message limit per sender (IP address or phone number), in Django's cache."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def rate_limited(*, sender: str) -> bool:
    """Count one message from `sender`; True when over ASSISTANT_RATE_LIMIT in the window."""
    key = "assistant:rate:" + hashlib.sha256(sender.encode()).hexdigest()[:32]
    window = settings.ASSISTANT_RATE_WINDOW_SECONDS
    if cache.add(key, 1, window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, window)
        return False
    return count > settings.ASSISTANT_RATE_LIMIT
