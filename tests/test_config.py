"""Config loading (CONTRACT section 5): every problem reported at once, secrets hidden."""

import pytest

from config.settings import Settings, build_settings, load_settings
from sitras_sheets.errors import ConfigError


def test_embedded_default_when_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(None, environ={})
    assert settings.register.backend == "local"
    assert settings.whatsapp.provider == "log"
    assert settings.office.timezone == "Asia/Jakarta"


def test_precedence_explicit_then_env_then_default_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config").mkdir()
    (tmp_path / "config/sitras.toml").write_text('[office]\nname = "Dari berkas bawaan"\n')
    env_file = tmp_path / "env.toml"
    env_file.write_text('[office]\nname = "Dari SITRAS_CONFIG"\n')
    explicit = tmp_path / "explicit.toml"
    explicit.write_text('[office]\nname = "Dari --config"\n')
    env = {"SITRAS_CONFIG": str(env_file)}
    assert load_settings(str(explicit), environ=env).office.name == "Dari --config"
    assert load_settings(None, environ=env).office.name == "Dari SITRAS_CONFIG"
    assert load_settings(None, environ={}).office.name == "Dari berkas bawaan"


def test_every_problem_in_one_message(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        "[office]\ntimezone = 'Mars/Olympus'\n"
        "[register]\nbackend = 'excel'\n"
        "[whatsapp]\nprovider = 'cloud'\ntoken = 'EAAB123'\nlanguage = 'jv'\napi_version = '21'\n"
        "[scheduler]\npoll_seconds = 'sering'\n"
        "[extra]\nx = 1\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(str(path), environ={})
    message = str(caught.value)
    for expected in (
        "Mars/Olympus",
        "register.backend",
        "whatsapp.token tidak dikenal (rahasia hanya dari variabel lingkungan)",
        "poll_seconds harus bilangan bulat",
        "[extra]",
        "SITRAS_WHATSAPP_TOKEN wajib",
        "phone_number_id wajib",
        "whatsapp.language 'jv'",
        "whatsapp.api_version '21'",
    ):
        assert expected in message
    assert "EAAB123" not in message


def test_missing_and_broken_files_are_clear(tmp_path):
    with pytest.raises(ConfigError, match="tidak ditemukan"):
        load_settings(str(tmp_path / "nope.toml"), environ={})
    broken = tmp_path / "broken.toml"
    broken.write_text("[office\nname=")
    with pytest.raises(ConfigError, match="bukan TOML"):
        load_settings(str(broken), environ={})


def test_google_backend_needs_sheet_and_credentials():
    with pytest.raises(ConfigError) as caught:
        build_settings({"register": {"backend": "google"}}, {}, "test")
    assert "spreadsheet_id" in str(caught.value)
    assert "GOOGLE_APPLICATION_CREDENTIALS" in str(caught.value)
    settings = build_settings(
        {"register": {"backend": "google", "spreadsheet_id": "abc"}},
        {"GOOGLE_APPLICATION_CREDENTIALS": "/keys/sa.json"},
        "test",
    )
    assert settings.credentials_path == "/keys/sa.json"


def test_secrets_come_from_environment_and_never_print():
    settings = build_settings(
        {"whatsapp": {"provider": "fonnte"}},
        {"SITRAS_WHATSAPP_TOKEN": "rahasia-sekali-123"},
        "test",
    )
    assert settings.whatsapp.token == "rahasia-sekali-123"
    assert "rahasia-sekali-123" not in repr(settings)
    assert "rahasia-sekali-123" not in repr(settings.whatsapp.token)


def test_the_example_file_is_the_default():
    from pathlib import Path

    example = Path(__file__).parents[1] / "config" / "sitras.example.toml"
    loaded = load_settings(str(example), environ={})
    assert loaded.office == Settings().office
    assert loaded.register == Settings().register
    assert loaded.scheduler == Settings().scheduler
