"""Requests per client address to the check page, counted in a fixed window in the "ratelimit" cache
(Redis in production, so every web process counts together). The client address is the one django-axes
locks logins by (its ipware settings, AXES_PROXY_COUNT): a client cannot pick it by writing its own
X-Forwarded-For."""

import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import caches


def client_key(request) -> str:
    address = get_client_ip_address(request) or "unknown"
    # The address is personal data of a kind: the cache holds a digest of it, never the address itself.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"check:{digest}"


def over_limit(request) -> bool:
    """Counts this request; True when the client made more than CHECK_RATE_LIMIT requests in the
    current window of CHECK_RATE_WINDOW_SECONDS."""
    cache = caches["ratelimit"]
    key = client_key(request)
    # add() starts the window only if none runs; incr() is atomic in Redis (and under locmem's lock).
    cache.add(key, 0, timeout=settings.CHECK_RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.add(key, 1, timeout=settings.CHECK_RATE_WINDOW_SECONDS)
        count = 1
    return count > settings.CHECK_RATE_LIMIT
