"""Bulk work on a big register: reading 100,000 letters and 500,000 scans, or
diffing them, allocates millions of small objects and no reference cycles.
CPython's cyclic collector would walk the whole (growing) heap several times
meanwhile; ``collector_paused`` holds it for the duration instead."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0  # how many collector_paused blocks are running now, in any thread
_resume = False  # whether the collector was running when the first of them began


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting goes on freeing
    memory as usual) until the last block running in any thread ends; it then
    resumes if it was running when the first one began."""
    global _holders, _resume
    with _lock:
        if _holders == 0:
            _resume = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _resume:
                gc.enable()
