"""Settings, read from the environment (prefix ``TONGXIN_``) and an optional ``.env`` file."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API_URL = "https://api.telegram.org/bot"
TELEGRAM_FILE_URL = "https://api.telegram.org/file/bot"


class SettingsError(Exception):
    """Configuration is invalid; the message names the setting."""


class Settings(BaseSettings):
    """Everything configurable about one Tongxin deployment."""

    model_config = SettingsConfigDict(
        env_prefix="TONGXIN_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = None
    bot_api_url: str = TELEGRAM_API_URL
    bot_api_file_url: str | None = None
    database_url: str = "sqlite+aiosqlite:///./var/tongxin.db"
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    listen: str = "127.0.0.1:8080"
    timezone: str = "Asia/Shanghai"
    default_language: Literal["zh_CN", "en"] = "zh_CN"
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    max_body_bytes: int = Field(default=1_000_000, gt=0)
    outbox_rate: float = Field(default=25.0, gt=0, le=1000)
    allow_paid_broadcast: bool = False
    outbox_lease_seconds: float = Field(default=120.0, gt=0)
    quiet_hours: str = "21:00-07:30"
    # How long a non-urgent notice waits for someone mid-flow to finish it (jobs/midflow.py).
    notice_hold_seconds: float = Field(default=300.0, ge=0, le=3600)
    broadcast_approval_towns: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Phone numbers one person may look up (to book for a resident) in any rolling hour.
    proxy_lookups_per_hour: int = Field(default=5, ge=1, le=1000)
    # The CJK font the /stats charts draw Chinese with (scripts/ensure-cjk-font.sh installs it).
    cjk_font: str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    # The WeChat bridge's Bot API address: set, the bot serves both channels (bot/channels.py).
    wechat_bridge_url: str | None = None

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("broadcast_approval_towns", mode="before")
    @classmethod
    def _split_codes(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip().upper() for part in value.split(",") if part.strip()]
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_window(cls, value: str) -> str:
        try:
            start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
        except ValueError as exc:
            raise ValueError("expected HH:MM-HH:MM, e.g. 21:00-07:30") from exc
        if start == end:
            raise ValueError("start and end of quiet hours must differ (use e.g. 00:00-00:01)")
        return value

    @field_validator("wechat_bridge_url")
    @classmethod
    def _bridge_api(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")) or not value.endswith("/bot"):
            raise ValueError("expected the bridge's Bot API address, e.g. http://wechat:8090/bot")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 <= int(port) < 65536:
            raise ValueError("expected host:port, e.g. 127.0.0.1:8080")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if value.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + value.removeprefix("sqlite:///")
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db")
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The display time zone."""
        return ZoneInfo(self.timezone)

    @property
    def listen_host(self) -> str:
        """Host part of ``listen``."""
        return self.listen.rpartition(":")[0]

    @property
    def listen_port(self) -> int:
        """Port part of ``listen``."""
        return int(self.listen.rpartition(":")[2])

    @property
    def file_url(self) -> str:
        """Bot API file URL, derived from the API URL unless set explicitly."""
        if self.bot_api_file_url:
            return self.bot_api_file_url
        if self.bot_api_url.endswith("/bot"):
            return self.bot_api_url[: -len("/bot")] + "/file/bot"
        return TELEGRAM_FILE_URL

    @property
    def quiet_window(self) -> tuple[time, time]:
        """Start and end of quiet hours, in local time (the window may cross midnight)."""
        start, end = (time.fromisoformat(part.strip()) for part in self.quiet_hours.split("-"))
        return start, end

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is the embedded SQLite."""
        return self.database_url.startswith("sqlite")

    def token(self) -> str:
        """The bot token; ``SettingsError`` when it is not set."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise SettingsError("TONGXIN_BOT_TOKEN: required to run the bot (from @BotFather)")
        return self.bot_token.get_secret_value()

    def webhook(self) -> tuple[str, str]:
        """The webhook URL and secret; ``SettingsError`` when webhook mode lacks them."""
        if not self.webhook_url:
            raise SettingsError("TONGXIN_WEBHOOK_URL: required when TONGXIN_MODE=webhook")
        if self.webhook_secret is None or len(self.webhook_secret.get_secret_value()) < 16:
            raise SettingsError(
                "TONGXIN_WEBHOOK_SECRET: required in webhook mode, at least 16 characters"
            )
        return self.webhook_url, self.webhook_secret.get_secret_value()

    def require_runnable(self) -> None:
        """Check what running the bot needs beyond the defaults."""
        self.token()
        if self.mode == "webhook":
            self.webhook()
        if self.wechat_bridge_url and self.wechat_bridge_url == self.bot_api_url.rstrip("/"):
            raise SettingsError(
                "TONGXIN_WECHAT_BRIDGE_URL: the bot already talks to the bridge only "
                "(TONGXIN_BOT_API_URL); leave this empty, or point TONGXIN_BOT_API_URL at Telegram"
            )


def load_settings(**overrides: object) -> Settings:
    """Build Settings from the environment; raise SettingsError naming the bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        reason = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"TONGXIN_{name.upper()}: {reason}") from None
