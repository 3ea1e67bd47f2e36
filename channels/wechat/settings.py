"""The bridge's settings: ``TONGXIN_WECHAT_*`` in the environment or ``.env`` (never logged).

The database is the bot's own (``TONGXIN_DATABASE_URL``, read by the wiring in ``bot.wechat``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from channels.wechat.crypto import aes_key
from channels.wechat.templates import TemplateSpec
from channels.wechat.xml import MAX_XML_BYTES

DEFAULT_UNSUPPORTED_REPLY = "抱歉，这种消息我还看不懂。请打字，或者点菜单里的按钮。"
DEFAULT_FOREIGN_MEDIA_NOTE = "（这里原有一条语音或图片，在微信里无法显示。）"


class WechatSettingsError(Exception):
    """The bridge's configuration is invalid; the message names the setting."""


class WechatSettings(BaseSettings):
    """One Official Account: its credentials, the callback's limits, and the custom menu."""

    model_config = SettingsConfigDict(
        env_prefix="TONGXIN_WECHAT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        env_ignore_empty=True,  # Compose passes unset values as empty strings
    )

    app_id: str = ""
    secret: SecretStr | None = None  # for the access token (outbound)
    token: SecretStr | None = None  # the server URL's Token, shared with WeChat
    aes_key: SecretStr | None = None  # the 43-character EncodingAESKey
    # WeChat's three message modes: plain (明文), compatible (兼容: both) and safe (安全).
    encryption: Literal["plain", "compatible", "safe"] = "safe"
    listen: str = "127.0.0.1:8090"
    path: str = "/wechat"
    replay_window_seconds: int = Field(default=300, ge=10, le=3600)
    max_body_bytes: int = Field(default=MAX_XML_BYTES, ge=1024, le=1_000_000)
    # WeChat waits 5 s, then retries: answer (503, so the retry is processed) before that.
    answer_seconds: float = Field(default=4.0, gt=0, le=4.5)
    # The custom menu's CLICK keys → the text the bot reads (JSON: {"BOOK": "预约"}).
    menu: dict[str, str] = Field(default_factory=dict)
    # WeChat no longer tells a follower's nickname: the name the bot sees until they give one.
    display_name: str = Field(default="微信用户", min_length=1, max_length=64)
    unsupported_reply: str = Field(default=DEFAULT_UNSUPPORTED_REPLY, min_length=1)
    # Said in place of a voice note or picture from another channel (a Telegram file id),
    # which WeChat cannot carry: the send's caption and buttons go with this line.
    foreign_media_note: str = Field(default=DEFAULT_FOREIGN_MEDIA_NOTE, min_length=1)
    # Outbound: WeChat's API (the emulator's in tests and the demo).
    api_url: str = "https://api.weixin.qq.com"
    # Customer-service windows: kind → [seconds, messages]. "message": after the follower's
    # message; "event": after a follow, a menu click or a QR scan (WeChat's current defaults).
    quota: dict[str, tuple[int, int]] = Field(
        default_factory=lambda: {"message": (48 * 3600, 5), "event": (60, 3)}
    )
    # Template messages for the outbox's messages outside the window: msgid → template (JSON:
    # {"booking.reminder.24h": {"template_id": "…", "fields": {"first": "{text}"}}}).
    templates: dict[str, TemplateSpec] = Field(default_factory=dict)
    # How long the bridge waits after the bot's last send to a chat before it merges and sends.
    settle_seconds: float = Field(default=0.4, gt=0, le=5)
    # When WeChat's API does not answer, a held burst is sent again after these many seconds
    # (JSON: [2, 8]), then recorded as not deliverable.
    retry_seconds: tuple[float, ...] = Field(default=(2.0, 8.0), max_length=5)
    # Where residents fetch documents (the bridge's public HTTPS address) and for how long.
    public_url: str = "http://127.0.0.1:8090"
    download_seconds: int = Field(default=7 * 24 * 3600, ge=60)

    @field_validator("path")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("a path starting with /, e.g. /wechat")
        return value

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 <= int(port) < 65536:
            raise ValueError("expected host:port, e.g. 127.0.0.1:8090")
        return value

    @property
    def listen_host(self) -> str:
        """Host part of ``listen``."""
        return self.listen.rpartition(":")[0]

    @property
    def listen_port(self) -> int:
        """Port part of ``listen``."""
        return int(self.listen.rpartition(":")[2])

    def token_value(self) -> str:
        """The server URL's token; ``WechatSettingsError`` when unset."""
        if self.token is None or len(self.token.get_secret_value()) < 3:
            raise WechatSettingsError("TONGXIN_WECHAT_TOKEN: required, 3 to 32 characters")
        return self.token.get_secret_value()

    def aes_key_value(self) -> str | None:
        """The EncodingAESKey (None in plain mode); ``WechatSettingsError`` when it is needed
        and missing or malformed."""
        if self.encryption == "plain":
            return None
        if not self.app_id:
            raise WechatSettingsError("TONGXIN_WECHAT_APP_ID: required to decrypt messages")
        value = self.aes_key.get_secret_value() if self.aes_key is not None else ""
        try:
            aes_key(value)
        except ValueError as exc:
            raise WechatSettingsError(f"TONGXIN_WECHAT_AES_KEY: {exc}") from None
        return value

    def secret_value(self) -> str:
        """The AppSecret; ``WechatSettingsError`` when unset (the outbound side needs it)."""
        if self.secret is None or not self.secret.get_secret_value():
            raise WechatSettingsError("TONGXIN_WECHAT_SECRET: required to send messages")
        return self.secret.get_secret_value()

    def secrets(self) -> list[str]:
        """What no log line may show: the token, the EncodingAESKey and the app secret."""
        found = [self.token, self.aes_key, self.secret]
        return [value.get_secret_value() for value in found if value is not None]

    def require_runnable(self) -> None:
        """Check what serving the callback needs."""
        self.token_value()
        self.aes_key_value()


def load_wechat_settings(**overrides: object) -> WechatSettings:
    """Build the bridge's settings; ``WechatSettingsError`` naming the first bad one."""
    try:
        return WechatSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        reason = first["msg"].removeprefix("Value error, ")
        raise WechatSettingsError(f"TONGXIN_WECHAT_{name.upper()}: {reason}") from None
