"""A token bucket per client: how often one client may ask for work that costs the server (the open-data API,
pictures, link previews, budget sheets). Its table of clients is bounded, as every cache on the open internet."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

CLIENTS = 4096  # the clients remembered; the least recent is forgotten (a full bucket again) first


class RateLimit:
    """A token bucket per client (``per_minute`` sustained, ``burst`` at once); the table is bounded."""

    def __init__(self, per_minute: float, burst: float, clients: int = CLIENTS) -> None:
        self.rate, self.burst, self.clients = per_minute / 60.0, burst, clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when the request may go ahead (and it is counted), else the seconds until it may."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
            self._buckets[client] = (tokens - 1 if tokens >= 1 else tokens, now)
            while len(self._buckets) > self.clients:
                self._buckets.popitem(last=False)
        return wait

    def wait(self, client: str) -> float:
        """The seconds until ``client`` may ask again (0: now), without counting a request."""
        if self.rate <= 0:
            return 0.0
        with self._lock:
            tokens, at = self._buckets.get(client, (self.burst, time.monotonic()))
        tokens = min(self.burst, tokens + (time.monotonic() - at) * self.rate)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate


def rate_from_env(value: str | None, default: tuple[float, float]) -> tuple[float, float]:
    """A setting "600" or "600,120" (requests a minute, burst); unset or unreadable: the default."""
    if not value:
        return default
    try:
        parts = [float(p) for p in value.split(",")]
    except ValueError:
        return default
    per_minute = parts[0]
    burst = parts[1] if len(parts) > 1 else max(per_minute / 5, 1.0)
    return (per_minute, burst) if per_minute >= 0 and burst >= 1 else default
