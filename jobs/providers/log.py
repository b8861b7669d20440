"""The default provider: shows each message instead of sending it. No network."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from jobs.messaging import OutboundMessage, Outcome, SendResult
from jobs.providers.base import logger, result
from messages import text
from sitras_sheets.phone import mask


class LogProvider:
    """Prints a block per message (number masked) through ``writer`` (default:
    stdout) and appends one JSON line per message to ``log_path`` if given.
    The message id is ``log-<message_key>``, so a resend gets the same id."""

    name = "log"

    def __init__(
        self,
        *,
        writer: Callable[[str], object] | None = None,
        log_path: Path | None = None,
        clock: Callable[[], datetime] | None = None,
        language: str = "id",
    ) -> None:
        self.writer = writer
        self.log_path = Path(log_path) if log_path is not None else None
        self.clock = clock or (lambda: datetime.now(UTC))
        self.language = language

    def send(self, message: OutboundMessage) -> SendResult:
        message_id = f"log-{message.message_key}"
        shown = mask(message.to)
        block = text(
            "wa.log_block",
            self.language,
            to=shown,
            event=message.event,
            template=message.template,
            language=message.language,
            message_id=message_id,
            text=message.text,
        )
        try:
            (self.writer or print)(block)
            if self.log_path is not None:
                self._append(message, message_id, shown)
        except (OSError, ValueError) as error:
            failed = result(Outcome.TRANSIENT, "log_write", error=type(error).__name__)
            logger.warning("whatsapp log %s: %s", message.message_key, failed.reason)
            return failed
        return SendResult(Outcome.SENT, message_id=message_id)

    def _append(self, message: OutboundMessage, message_id: str, shown: str) -> None:
        line = {
            "logged_at": self.clock().isoformat(timespec="seconds"),
            "message_id": message_id,
            "message_key": message.message_key,
            "to": shown,
            "event": message.event,
            "template": message.template,
            "language": message.language,
            "parameters": list(message.parameters),
            "window_open": message.window_open,
            "text": message.text,
        }
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(line, ensure_ascii=False) + "\n")
