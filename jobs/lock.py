"""One ``run`` per state file. The lock is an exclusive SQLite transaction held
open on a small side file (``<state>-run.lock``): it works the same on Windows
and POSIX, and the operating system frees it when the process dies, however it
dies. Who holds it is written next to it (``…-run.lock.info``) for the message."""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
from datetime import datetime
from pathlib import Path

from messages import text
from sitras_sheets.errors import SitrasError


class AlreadyRunning(SitrasError):
    """Another process holds the lock."""


def lock_path(state_path: Path | str) -> Path:
    state = Path(state_path)
    return state.with_name(state.name + "-run.lock")


class RunLock:
    def __init__(self, state_path: Path | str) -> None:
        self.state_path = Path(state_path)
        self.path = lock_path(state_path)
        self.info_path = self.path.with_name(self.path.name + ".info")
        self._connection: sqlite3.Connection | None = None

    def acquire(self) -> None:
        """Take the lock or raise AlreadyRunning naming the holder."""
        if self._connection is not None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                self.path, timeout=0, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as error:
            raise SitrasError(text("notifier.lock_failed", path=self.path, error=error)) from error
        try:
            connection.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError:
            connection.close()
            raise AlreadyRunning(
                text("notifier.already_running", path=self.state_path, holder=self._holder())
            ) from None
        self._connection = connection
        since = datetime.now().astimezone().isoformat(timespec="seconds")
        # Without the info file only the refusal message of another process loses detail.
        with contextlib.suppress(OSError):
            self.info_path.write_text(
                f"{os.getpid()}\n{socket.gethostname()}\n{since}\n", encoding="utf-8"
            )

    def release(self) -> None:
        if self._connection is None:
            return
        # A stale info file is harmless: it is read only while someone holds the lock.
        with contextlib.suppress(OSError):
            self.info_path.unlink(missing_ok=True)
        self._connection.execute("ROLLBACK")
        self._connection.close()
        self._connection = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _holder(self) -> str:
        try:
            pid, host, since = self.info_path.read_text(encoding="utf-8").split("\n")[:3]
        except (OSError, ValueError):
            return text("notifier.holder_unknown")
        return text("notifier.holder", pid=pid, host=host, since=since)
