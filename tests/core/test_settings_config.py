"""Settings from the environment: names, parsing, normalisation, and errors naming the setting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.settings import TELEGRAM_API_URL, Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No TONGXIN_* from the caller's shell and no stray .env file."""
    for name in list(os.environ):
        if name.startswith("TONGXIN_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_run_the_embedded_setup() -> None:
    settings = load_settings()
    assert settings.bot_token is None
    assert settings.bot_api_url == TELEGRAM_API_URL
    assert settings.file_url == "https://api.telegram.org/file/bot"
    assert settings.database_url == "sqlite+aiosqlite:///./var/tongxin.db"
    assert settings.is_sqlite
    assert settings.mode == "polling"
    assert (settings.listen_host, settings.listen_port) == ("127.0.0.1", 8080)
    assert settings.timezone == "Asia/Shanghai"
    assert settings.tz.key == "Asia/Shanghai"
    assert settings.default_language == "zh_CN"
    assert settings.admin_ids == []
    assert settings.log_level == "INFO"
    assert settings.max_body_bytes == 1_000_000


def test_every_setting_is_read_from_its_environment_name(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "TONGXIN_BOT_TOKEN": "42:abc",
        "TONGXIN_BOT_API_URL": "http://127.0.0.1:8081/bot",
        "TONGXIN_BOT_API_FILE_URL": "http://files.local/file/bot",
        "TONGXIN_DATABASE_URL": "postgresql+asyncpg://tx@db/tongxin",
        "TONGXIN_MODE": "webhook",
        "TONGXIN_WEBHOOK_URL": "https://bot.example.org/telegram",
        "TONGXIN_WEBHOOK_SECRET": "s" * 32,
        "TONGXIN_LISTEN": "0.0.0.0:9000",
        "TONGXIN_TIMEZONE": "UTC",
        "TONGXIN_DEFAULT_LANGUAGE": "en",
        "TONGXIN_ADMIN_IDS": " 11, 22 ,,33 ",
        "TONGXIN_LOG_LEVEL": "DEBUG",
        "TONGXIN_MAX_BODY_BYTES": "2048",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.bot_token is not None
    assert settings.bot_token.get_secret_value() == "42:abc"
    assert settings.bot_api_url == "http://127.0.0.1:8081/bot"
    assert settings.file_url == "http://files.local/file/bot"
    assert settings.database_url == "postgresql+asyncpg://tx@db/tongxin"
    assert not settings.is_sqlite
    assert settings.mode == "webhook"
    assert settings.webhook_url == "https://bot.example.org/telegram"
    assert (settings.listen_host, settings.listen_port) == ("0.0.0.0", 9000)
    assert settings.timezone == "UTC"
    assert settings.default_language == "en"
    assert settings.admin_ids == [11, 22, 33]
    assert settings.log_level == "DEBUG"
    assert settings.max_body_bytes == 2048
    settings.require_runnable()


def test_every_field_is_documented_in_env_example() -> None:
    documented = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for field in Settings.model_fields:
        name = f"TONGXIN_{field.upper()}"
        assert f"{name}=" in documented, f"{name} missing from .env.example"
        assert f"`{name}`" in readme, f"{name} missing from the README's configuration table"


def test_env_example_is_a_valid_dot_env(tmp_path: Path) -> None:
    """Copied as is, .env.example gives the defaults (empty optional values mean unset)."""
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text(encoding="utf-8"))
    example, defaults = load_settings(), load_settings(_env_file=None)
    for field in Settings.model_fields:
        got, default = getattr(example, field), getattr(defaults, field)
        if default is None:
            assert not (got.get_secret_value() if isinstance(got, SecretStr) else got), field
        else:
            assert got == default, field
    assert example.file_url == defaults.file_url


def test_dot_env_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TONGXIN_ADMIN_IDS=7\nTONGXIN_MODE=webhook\n", encoding="utf-8")
    settings = load_settings()
    assert settings.admin_ids == [7]
    assert settings.mode == "webhook"


def test_environment_beats_dot_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("TONGXIN_LOG_LEVEL=ERROR\n", encoding="utf-8")
    monkeypatch.setenv("TONGXIN_LOG_LEVEL", "WARNING")
    assert load_settings().log_level == "WARNING"


def test_api_file_url_is_derived_from_a_local_bot_api_server() -> None:
    settings = load_settings(bot_api_url="http://127.0.0.1:8081/bot")
    assert settings.file_url == "http://127.0.0.1:8081/file/bot"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("postgres://u:p@db:5432/tx", "postgresql+asyncpg://u:p@db:5432/tx"),
        ("postgresql://u@db/tx", "postgresql+asyncpg://u@db/tx"),
        ("postgresql+asyncpg://u@db/tx", "postgresql+asyncpg://u@db/tx"),
        ("sqlite:///var/x.db", "sqlite+aiosqlite:///var/x.db"),
        ("sqlite+aiosqlite:///:memory:", "sqlite+aiosqlite:///:memory:"),
    ],
)
def test_database_url_is_normalised_to_async_drivers(
    monkeypatch: pytest.MonkeyPatch, given: str, stored: str
) -> None:
    monkeypatch.setenv("TONGXIN_DATABASE_URL", given)
    assert load_settings().database_url == stored


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("TONGXIN_TIMEZONE", "Mars/Olympus", "unknown time zone"),
        ("TONGXIN_MODE", "push", "polling"),
        ("TONGXIN_LISTEN", "8080", "host:port"),
        ("TONGXIN_LISTEN", "localhost:http", "host:port"),
        ("TONGXIN_LISTEN", "0.0.0.0:70000", "host:port"),
        ("TONGXIN_DATABASE_URL", "mysql://u@db/tx", "postgresql+asyncpg"),
        ("TONGXIN_DEFAULT_LANGUAGE", "fr", "zh_CN"),
        ("TONGXIN_ADMIN_IDS", "12,abc", "integer"),
        ("TONGXIN_LOG_LEVEL", "LOUD", "INFO"),
        ("TONGXIN_MAX_BODY_BYTES", "0", "greater than 0"),
    ],
)
def test_bad_values_raise_settings_error_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, reason: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert reason in message


def test_require_runnable_needs_a_token() -> None:
    with pytest.raises(SettingsError, match=r"^TONGXIN_BOT_TOKEN: required .*BotFather"):
        load_settings().require_runnable()
    with pytest.raises(SettingsError, match=r"^TONGXIN_BOT_TOKEN"):
        load_settings(bot_token="   ").require_runnable()
    load_settings(bot_token="42:abc").require_runnable()


def test_require_runnable_in_webhook_mode_needs_url_and_a_long_secret() -> None:
    base = {"bot_token": "42:abc", "mode": "webhook"}
    with pytest.raises(SettingsError, match=r"^TONGXIN_WEBHOOK_URL: required"):
        load_settings(**base).require_runnable()
    with_url = {**base, "webhook_url": "https://bot.example.org/tg"}
    with pytest.raises(SettingsError, match=r"^TONGXIN_WEBHOOK_SECRET: .*16 characters"):
        load_settings(**with_url).require_runnable()
    with pytest.raises(SettingsError, match=r"^TONGXIN_WEBHOOK_SECRET"):
        load_settings(**with_url, webhook_secret="short").require_runnable()
    load_settings(**with_url, webhook_secret="x" * 16).require_runnable()


def test_secrets_are_not_shown_in_repr() -> None:
    settings = load_settings(bot_token="42:very-secret-token", webhook_secret="w" * 20)
    shown = repr(settings) + str(settings.model_dump())
    assert "very-secret-token" not in shown
    assert "w" * 20 not in shown
