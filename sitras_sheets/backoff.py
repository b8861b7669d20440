"""The one backoff formula Sitras uses where tenacity's retry loop does not fit:
delays stored with an outbox entry (``jobs.delivery``) and a background sender's
pauses (``scanner.spool``). Google requests are retried with tenacity."""

from __future__ import annotations

import random
from collections.abc import Callable


def backoff_delay(
    attempt: int, base: float, cap: float, rand: Callable[[], float] = random.random
) -> float:
    """Seconds to wait before try ``attempt + 1``: ``base · 2^(attempt-1)``,
    capped, with its upper half jittered (``rand()`` in [0, 1))."""
    ceiling = min(cap, base * 2 ** max(attempt - 1, 0))
    return ceiling / 2 + rand() * ceiling / 2
