"""The topology's per-route throttles on the local gateway (off unless LOCAL_THROTTLE=1).

API Gateway throttles each route of the stage with a token bucket (rate per second, burst),
over all callers; this does the same, so that a client can see its 429 and ``Retry-After``
on a laptop. Off by default: the test suite calls some routes faster than they would allow.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable

from infra.topology import Route


def enabled() -> bool:
    return os.environ.get("LOCAL_THROTTLE") == "1"


class RouteThrottle:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # route key -> (tokens, at)
        self._lock = threading.Lock()

    def wait_seconds(self, route: Route) -> int:
        """0 when the call may go ahead (a token is taken), else whole seconds until one is free."""
        limits, now = route.limits, self._clock()
        with self._lock:
            tokens, at = self._buckets.get(route.route_key, (float(limits.burst), now))
            tokens = min(float(limits.burst), tokens + (now - at) * limits.rate)
            if tokens >= 1:
                self._buckets[route.route_key] = (tokens - 1, now)
                return 0
            self._buckets[route.route_key] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / limits.rate))
