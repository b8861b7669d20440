"""Typed settings loaded once: ``--config PATH``, else ``SITRAS_CONFIG``, else
``config/sitras.toml`` if it exists, else the embedded default. Every problem in
a file is reported together in one ConfigError. Secrets come only from the
environment and never print."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitras_sheets.errors import ConfigError, InvalidPhoneNumber
from sitras_sheets.phone import normalise_whatsapp

DEFAULT_CONFIG_PATH = Path("config/sitras.toml")


class Secret(str):
    """A string that never shows itself in repr, logs or tracebacks."""

    def __repr__(self) -> str:
        return "Secret('****')" if self else "Secret('')"


@dataclass(frozen=True)
class OfficeSettings:
    name: str = "Sekretariat Daerah Kabupaten Cirebon"
    timezone: str = "Asia/Jakarta"
    public_base_url: str = ""
    working_hours: str = "Mon-Fri 07:30-16:00"
    whatsapp_number: str = ""  # the office's own WhatsApp (wa.me link on the receipt)
    head_whatsapp: str = ""  # the head of office's WhatsApp, for the daily digest


@dataclass(frozen=True)
class RegisterSettings:
    backend: str = "local"
    path: str = "data/register.sqlite3"
    spreadsheet_id: str = ""
    credentials_file: str = ""


@dataclass(frozen=True)
class WhatsAppSettings:
    provider: str = "log"
    phone_number_id: str = ""
    api_version: str = "v21.0"
    language: str = "id"
    quiet_hours: str = "21:00-06:00"
    token: Secret = field(default=Secret(""), repr=False)
    app_secret: Secret = field(default=Secret(""), repr=False)
    verify_token: Secret = field(default=Secret(""), repr=False)


@dataclass(frozen=True)
class SchedulerSettings:
    poll_seconds: int = 15
    full_read_seconds: int = 60


@dataclass(frozen=True)
class ScannerSettings:
    language: str = "id"  # station prompts: id | en
    proof_retention_days: int = 90  # camera frames kept as proof of handoff


@dataclass(frozen=True)
class StateSettings:
    path: str = "data/state.sqlite3"


@dataclass(frozen=True)
class Settings:
    office: OfficeSettings = field(default_factory=OfficeSettings)
    register: RegisterSettings = field(default_factory=RegisterSettings)
    whatsapp: WhatsAppSettings = field(default_factory=WhatsAppSettings)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    scanner: ScannerSettings = field(default_factory=ScannerSettings)
    state: StateSettings = field(default_factory=StateSettings)
    source: str = "bawaan (embedded default)"

    @property
    def credentials_path(self) -> str:
        return self.register.credentials_file


_SECTIONS = {
    "office": OfficeSettings,
    "register": RegisterSettings,
    "whatsapp": WhatsAppSettings,
    "scheduler": SchedulerSettings,
    "scanner": ScannerSettings,
    "state": StateSettings,
}
_SECRET_KEYS = {"token", "app_secret", "verify_token"}
_CHOICES = {
    ("register", "backend"): ("local", "google"),
    ("whatsapp", "provider"): ("log", "cloud", "fonnte"),
}
_TIME_RANGE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
_WORKING_HOURS = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)-(Mon|Tue|Wed|Thu|Fri|Sat|Sun) "
    r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$"
)


def config_path(explicit: str | None, environ: Mapping[str, str]) -> Path | None:
    if explicit:
        return Path(explicit)
    if environ.get("SITRAS_CONFIG"):
        return Path(environ["SITRAS_CONFIG"])
    return DEFAULT_CONFIG_PATH if DEFAULT_CONFIG_PATH.is_file() else None


def load_settings(
    explicit: str | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    environ = os.environ if environ is None else environ
    path = config_path(explicit, environ)
    data: dict = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"berkas konfigurasi {path} tidak ditemukan") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"berkas konfigurasi {path} tidak terbaca: {error}") from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"berkas konfigurasi {path} bukan TOML yang sah: {error}") from None
    return build_settings(data, environ, source=str(path) if path else Settings.source)


def build_settings(data: Mapping, environ: Mapping[str, str], source: str) -> Settings:
    problems: list[str] = []
    sections: dict[str, object] = {}
    for name in data:
        if name not in _SECTIONS:
            problems.append(f"bagian [{name}] tidak dikenal")
    for name, kind in _SECTIONS.items():
        raw = data.get(name, {})
        if not isinstance(raw, dict):
            problems.append(f"[{name}] harus berupa tabel")
            raw = {}
        defaults = kind()
        values = {}
        for key, value in raw.items():
            if key not in kind.__dataclass_fields__ or key in _SECRET_KEYS:
                hint = " (rahasia hanya dari variabel lingkungan)" if key in _SECRET_KEYS else ""
                problems.append(f"kunci {name}.{key} tidak dikenal{hint}")
                continue
            expected = type(getattr(defaults, key))
            if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
                problems.append(f"{name}.{key} harus bilangan bulat, bukan {value!r}")
                continue
            if expected is str and not isinstance(value, str):
                problems.append(f"{name}.{key} harus teks, bukan {value!r}")
                continue
            values[key] = value
        if name == "register" and not values.get("credentials_file"):
            values["credentials_file"] = environ.get("GOOGLE_APPLICATION_CREDENTIALS", "")
        if name == "whatsapp":
            values["token"] = Secret(environ.get("SITRAS_WHATSAPP_TOKEN", ""))
            values["app_secret"] = Secret(environ.get("SITRAS_WHATSAPP_APP_SECRET", ""))
            values["verify_token"] = Secret(environ.get("SITRAS_WHATSAPP_VERIFY_TOKEN", ""))
        sections[name] = kind(**values)
    settings = Settings(**sections, source=source)
    problems.extend(_check(settings))
    if problems:
        raise ConfigError(f"konfigurasi {source} bermasalah: " + "; ".join(problems))
    return settings


def _check(settings: Settings) -> list[str]:
    problems: list[str] = []
    for (section, key), allowed in _CHOICES.items():
        value = getattr(getattr(settings, section), key)
        if value not in allowed:
            problems.append(f"{section}.{key} = {value!r}; pilih salah satu: {', '.join(allowed)}")
    try:
        ZoneInfo(settings.office.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"office.timezone {settings.office.timezone!r} bukan zona waktu IANA")
    if not _WORKING_HOURS.match(settings.office.working_hours):
        problems.append(
            f"office.working_hours {settings.office.working_hours!r} harus seperti "
            "'Mon-Fri 07:30-16:00'"
        )
    url = settings.office.public_base_url
    if url and not re.match(r"^https?://[^\s/]+", url):
        problems.append(f"office.public_base_url {url!r} harus diawali http:// atau https://")
    quiet = settings.whatsapp.quiet_hours
    if quiet and not _TIME_RANGE.match(quiet):
        problems.append(f"whatsapp.quiet_hours {quiet!r} harus seperti '21:00-06:00' atau ''")
    for key in ("poll_seconds", "full_read_seconds"):
        if getattr(settings.scheduler, key) < 1:
            problems.append(f"scheduler.{key} harus minimal 1")
    register = settings.register
    if register.backend == "google":
        if not register.spreadsheet_id:
            problems.append("register.spreadsheet_id wajib diisi untuk backend google")
        if not settings.credentials_path:
            problems.append(
                "register.credentials_file atau GOOGLE_APPLICATION_CREDENTIALS wajib diisi "
                "untuk backend google"
            )
    elif not register.path:
        problems.append("register.path wajib diisi untuk backend local")
    whatsapp = settings.whatsapp
    if whatsapp.provider in ("cloud", "fonnte") and not whatsapp.token:
        problems.append(f"SITRAS_WHATSAPP_TOKEN wajib diisi untuk provider {whatsapp.provider}")
    if whatsapp.provider == "cloud" and not whatsapp.phone_number_id:
        problems.append("whatsapp.phone_number_id wajib diisi untuk provider cloud")
    if whatsapp.phone_number_id and not whatsapp.phone_number_id.isdigit():
        problems.append("whatsapp.phone_number_id harus berupa angka (ID dari Meta)")
    if not re.fullmatch(r"v\d+\.\d+", whatsapp.api_version):
        problems.append(f"whatsapp.api_version {whatsapp.api_version!r} harus seperti 'v21.0'")
    if settings.scanner.language not in ("id", "en"):
        problems.append(f"scanner.language {settings.scanner.language!r}; pilih salah satu: id, en")
    if settings.scanner.proof_retention_days < 1:
        problems.append("scanner.proof_retention_days harus minimal 1")
    for key in ("whatsapp_number", "head_whatsapp"):
        number = getattr(settings.office, key)
        if number:
            try:
                normalise_whatsapp(number)
            except InvalidPhoneNumber as error:
                problems.append(f"office.{key}: {error}")
    if whatsapp.language not in ("id", "en"):
        problems.append(f"whatsapp.language {whatsapp.language!r}; pilih salah satu: id, en")
    return problems
