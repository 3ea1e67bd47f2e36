"""The bridge's settings and `tongxin wechat`: read from TONGXIN_WECHAT_*, secrets never shown."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path

import aiohttp
import pytest

from bot.cli import main
from bot.logs import Redactor
from bot.settings import Settings
from bot.wechat import run_wechat
from channels.wechat.crypto import sign
from channels.wechat.settings import WechatSettings, WechatSettingsError, load_wechat_settings
from tests.channels.wechat.support import AES_KEY, APP_ID, TOKEN, wechat_settings
from tests.conftest import TEST_TOKEN
from tests.e2e.control import free_port


def test_settings_from_the_environment_hide_their_secrets(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TONGXIN_WECHAT_APP_ID", APP_ID)
    monkeypatch.setenv("TONGXIN_WECHAT_TOKEN", TOKEN)
    monkeypatch.setenv("TONGXIN_WECHAT_AES_KEY", AES_KEY)
    monkeypatch.setenv("TONGXIN_WECHAT_SECRET", "app-secret-never-shown")
    monkeypatch.setenv("TONGXIN_WECHAT_MENU", '{"BOOK": "预约", "HELP": "帮助"}')
    monkeypatch.setenv("TONGXIN_WECHAT_REPLAY_WINDOW_SECONDS", "120")
    settings = load_wechat_settings()
    settings.require_runnable()
    assert settings.menu == {"BOOK": "预约", "HELP": "帮助"}
    assert settings.replay_window_seconds == 120
    shown = repr(settings) + str(settings.model_dump())
    for secret in (TOKEN, AES_KEY, "app-secret-never-shown"):
        assert secret not in shown


def test_bad_settings_name_the_setting() -> None:
    with pytest.raises(WechatSettingsError, match=r"^TONGXIN_WECHAT_AES_KEY: "):
        wechat_settings(aes_key="too-short").require_runnable()
    with pytest.raises(WechatSettingsError, match=r"^TONGXIN_WECHAT_TOKEN: "):
        wechat_settings(token=None).require_runnable()
    with pytest.raises(WechatSettingsError, match=r"^TONGXIN_WECHAT_REPLAY_WINDOW_SECONDS: "):
        wechat_settings(replay_window_seconds=0)
    with pytest.raises(WechatSettingsError, match=r"^TONGXIN_WECHAT_ENCRYPTION: "):
        wechat_settings(encryption="none")
    wechat_settings(encryption="plain", aes_key=None).require_runnable()  # no key needed


def test_tongxin_wechat_without_a_token_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in [name for name in os.environ if name.startswith("TONGXIN_")]:
        monkeypatch.delenv(name)
    assert main(["wechat"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "TONGXIN_WECHAT_TOKEN: required, 3 to 32 characters"
    ]


def test_the_secrets_are_known_to_the_log_redactor() -> None:
    settings = wechat_settings(secret="app-secret-never-shown")
    assert set(settings.secrets()) == {TOKEN, AES_KEY, "app-secret-never-shown"}
    line = f"token {TOKEN} key {AES_KEY}"
    assert TOKEN not in Redactor(settings.secrets()).redact(line)
    assert AES_KEY not in Redactor(settings.secrets()).redact(line)


async def test_run_wechat_serves_the_url_check_and_logs_no_secret(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    port = free_port()
    wechat = wechat_settings(listen=f"127.0.0.1:{port}")
    stop = asyncio.Event()
    server = asyncio.create_task(run_wechat(settings, wechat, stop))
    query = {"timestamp": "", "nonce": "n1", "echostr": "hello"}
    async with aiohttp.ClientSession() as http:
        for _ in range(100):
            await asyncio.sleep(0.05)
            query["timestamp"] = str(int(time.time()))
            query["signature"] = sign(TOKEN, query["timestamp"], "n1")
            try:
                async with http.get(f"http://127.0.0.1:{port}/wechat", params=query) as answer:
                    assert (answer.status, await answer.text()) == (200, "hello")
                    break
            except aiohttp.ClientConnectionError:
                continue
        else:
            pytest.fail("the bridge did not start")
        async with http.get(f"http://127.0.0.1:{port}/bot{TEST_TOKEN}/getMe") as me:
            assert (await me.json())["result"]["is_bot"] is True
    stop.set()
    await asyncio.wait_for(server, 10)
    for secret in (TOKEN, AES_KEY, TEST_TOKEN):
        assert secret not in caplog.text


def test_every_setting_is_documented_and_the_example_gives_the_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = Path(__file__).resolve().parents[3]
    example = (root / ".env.example").read_text(encoding="utf-8")
    docs = (root / "docs" / "wechat.md").read_text(encoding="utf-8")
    for field in WechatSettings.model_fields:
        name = f"TONGXIN_WECHAT_{field.upper()}"
        assert f"{name}=" in example, f"{name} missing from .env.example"
        assert f"`{name}`" in docs, f"{name} missing from docs/wechat.md"
    monkeypatch.chdir(tmp_path)
    for name in [name for name in os.environ if name.startswith("TONGXIN_")]:
        monkeypatch.delenv(name)
    (tmp_path / ".env").write_text(example, encoding="utf-8")
    assert load_wechat_settings() == load_wechat_settings(_env_file=None)
