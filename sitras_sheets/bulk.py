"""Bulk work on a big register: reading 100,000 letters and 500,000 scans, or
diffing them, allocates millions of small objects and no reference cycles.
CPython's cyclic collector would walk the whole (growing) heap several times
meanwhile; ``collector_paused`` holds it for the duration instead."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting goes on freeing
    memory as usual); it resumes afterwards if it was running before."""
    was_running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_running:
            gc.enable()
