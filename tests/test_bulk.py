"""The collector pause (sitras_sheets.bulk): blocks in several threads overlap."""

from __future__ import annotations

import gc
import threading

from sitras_sheets.bulk import collector_paused


def test_overlapping_pauses_in_two_threads_leave_the_collector_running():
    assert gc.isenabled()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen_inside: list[bool] = []

    def first() -> None:
        with collector_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with collector_paused():  # begins while the first runs, ends after it
            second_in.set()
            first_out.wait(5)
            seen_inside.append(gc.isenabled())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)

    assert seen_inside == [False]  # still paused while the second block runs
    assert gc.isenabled()


def test_a_pause_keeps_a_collector_that_was_off_off():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
