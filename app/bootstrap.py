"""Wire real adapters from settings. Tests pass their own pieces instead."""

from __future__ import annotations

from pathlib import Path

import requests

from config.settings import Settings
from sitras_sheets.clock import Clock, office_clock
from sitras_sheets.local_grid import LocalGrid
from sitras_sheets.register import Register


def build_register(
    settings: Settings,
    *,
    clock: Clock | None = None,
    session: requests.Session | None = None,
) -> Register:
    clock = clock or office_clock(settings.office.timezone)
    if settings.register.backend == "google":
        from sitras_sheets.google_grid import connect  # gspread only when used

        grid = connect(
            settings.register.spreadsheet_id,
            settings.credentials_path,
            session=session,
        )
    else:
        grid = LocalGrid(Path(settings.register.path))
    return Register(grid, clock)
