"""A fixed one-minute window per token, counted in the cache (Redis when configured)."""

import time
from typing import Any

from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from tremplin.api.models import ApiToken


class TokenRateThrottle(BaseThrottle):
    window = 60

    def allow_request(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        now = time.time()
        slot = int(now // self.window)
        self._wait = self.window - (now % self.window)
        key = f"api-rate:{token.pk}:{slot}"
        if cache.add(key, 1, self.window + 5):
            return True
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, self.window + 5)
            return True
        return count <= token.rate_limit_per_minute

    def wait(self) -> float | None:
        return max(1.0, float(int(self._wait) + 1))
