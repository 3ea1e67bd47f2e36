"""WeChat's media through the bridge: a voice note without WeChat's recognition fetched by the
bot's recogniser (``getFile`` and the file face), and voice notes relayed by file id, WeChat's
own as voice messages, another channel's as their words with a note."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select
from telegram import Bot
from telegram.error import BadRequest, NetworkError

from bot.context import Services
from bot.settings import Settings
from bot.timefmt import format_day
from channels.wechat.settings import DEFAULT_FOREIGN_MEDIA_NOTE
from channels.wechat.tables import WechatUndelivered
from jobs.outbox import OutboxPump
from models.core.outbox import OutboxKind, OutboxMessage, OutboxStatus, enqueue, message_payload
from models.core.speech import VoiceNote
from tests.booking.booking_support import local_today
from tests.channels.wechat.emulated import EmulatedWechat, emulated_wechat, read
from tests.core.outbox_support import fast
from tests.onboarding.onboarding_flow import tr

OPENID = "oEMU_media_0001"
MEDIATOR = "oEMU_media_mediator"
SPOKEN = "#!AMR\n明天".encode()  # the emulated voice note's bytes; the test recogniser reads them


class ReadsTheBytes:
    """A recogniser that fetches the voice note and hears "明天" in ``SPOKEN`` (``forget``:
    WeChat has forgotten the media first, as after three days)."""

    def __init__(self, forget: dict[str, Any] | None = None) -> None:
        self.heard: list[tuple[str, bytes]] = []
        self.forget = forget

    async def recognise(self, voice: VoiceNote) -> str | None:
        if self.forget is not None:
            self.forget.clear()
        audio = await voice.fetch()
        self.heard.append((voice.file_id, audio))
        return "明天" if audio == SPOKEN else None


def voice_media(wx: EmulatedWechat) -> list[str]:
    """The media ids of the voice notes WeChat keeps, oldest first."""
    return [media_id for media_id, media in wx.world.media.items() if media["type"] == "voice"]


async def test_a_voice_without_recognition_is_fetched_and_heard(
    settings: Settings, services: Services
) -> None:
    t = tr(services, "zh_CN")
    services.speech = hears = ReadsTheBytes()
    async with emulated_wechat(settings, services) as wx:
        await wx.onboard(OPENID)
        await wx.type(OPENID, "/book")
        await wx.choose(OPENID, t("booking.kind.canteen"))
        said = await wx.act(OPENID, lambda: wx.player.voice(OPENID, "", SPOKEN))
        [media_id] = voice_media(wx)
    tomorrow = format_day(local_today() + timedelta(days=1), "zh_CN")
    assert len(said) == 1 and tomorrow in read(said)[0]  # its slots, or why there are none
    assert hears.heard == [("wx:" + media_id, SPOKEN)]


@pytest.mark.parametrize("gone", [False, True], ids=["no-recogniser", "media-gone"])
async def test_a_voice_nobody_recognises_is_answered_kindly(
    settings: Settings, services: Services, caplog: pytest.LogCaptureFixture, gone: bool
) -> None:
    t = tr(services, "zh_CN")
    async with emulated_wechat(settings, services) as wx:
        if gone:
            services.speech = ReadsTheBytes(forget=wx.world.media)
        await wx.onboard(OPENID)
        await wx.type(OPENID, "/book")
        await wx.choose(OPENID, t("booking.kind.canteen"))
        lines = [line["content"] for line in wx.last_menu(OPENID)["list"]]
        with caplog.at_level(logging.WARNING):
            said = await wx.act(OPENID, lambda: wx.player.voice(OPENID, ""))
        again = [line["content"] for line in wx.last_menu(OPENID)["list"]]
    assert len(said) == 1 and read(said)[0].startswith(t("words.voice.choose"))
    assert again == lines  # the same screen again
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert gone == any("could not be fetched" in r.getMessage() for r in caplog.records)


async def test_get_file_gives_wechat_media_and_refuses_other_file_ids(
    settings: Settings, services: Services
) -> None:
    async with emulated_wechat(settings, services) as wx:
        await wx.act(OPENID, lambda: wx.player.voice(OPENID, "", SPOKEN))
        [media_id] = voice_media(wx)
        bot = wx.app.bot
        found = await bot.get_file("wx:" + media_id)
        assert found.file_path == f"{wx.url}/file/bot{settings.token()}/wx/{media_id}"
        assert bytes(await found.download_as_bytearray()) == SPOKEN
        with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
            await bot.get_file("AwACAgIAAxkBAAIBZ2VvaWNl")  # Telegram's: not the bridge's
        gone = await bot.get_file("wx:kept-three-days-only")
        with pytest.raises(BadRequest, match=r"(?i)wrong file_id"):
            await gone.download_as_bytearray()  # WeChat: 40007
        wx.world.outage = True
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await found.download_as_bytearray()


async def relay(services: Services, chat_id: int, voice: str, key: str) -> None:
    """A mediator's relayed voice note for ``chat_id`` in the outbox (as ``models.disputes``)."""
    payload = {
        **message_payload(
            "disputes.relay.from_mediator", number="D-0007", name="王调解员", text=""
        ),
        "voice": voice,
    }
    async with services.sessions() as session, session.begin():
        await enqueue(
            session, chat_id=chat_id, kind=OutboxKind.STATUS, payload=payload, dedupe_key=key
        )


async def test_a_relayed_voice_goes_as_a_voice_message_or_its_words_with_a_note(
    settings: Settings, services: Services
) -> None:
    async with emulated_wechat(settings, services) as wx:
        await wx.act(OPENID, lambda: wx.player.voice(OPENID, "", SPOKEN))  # the reporter speaks
        await wx.type(MEDIATOR, "你好")  # the mediator, also on WeChat, inside the window
        [media_id] = voice_media(wx)
        mediator = await wx.chat_of(MEDIATOR)
        await relay(services, mediator, "wx:" + media_id, "relay:1")
        await relay(services, mediator, "AwACAgIAAxkBAAIBZ2VvaWNl", "relay:2")  # Telegram's
        before = len(wx.world.follower(MEDIATOR).inbox)
        pump = OutboxPump(fast(services), bot=Bot(settings.token(), base_url=wx.url + "/bot"))
        try:
            await pump.drain(quiet=False)
        finally:
            await pump.close()
        await wx.settle()
        got = wx.world.follower(MEDIATOR).inbox[before:]
        async with wx.bridge.sessions() as session:
            lost = (await session.execute(select(WechatUndelivered))).scalars().all()
        assert wx.world.follower(MEDIATOR).refused == []
    assert got[0] == {
        "touser": MEDIATOR,
        "msgtype": "voice",
        "voice": {"media_id": media_id},
        "via": "custom",
        "window": "message",
    }
    words = "\n".join(read(got[1:]))  # both captions (joined when in one burst) and the note
    assert words.count("D-0007") == 2 and "王调解员" in words
    assert words.endswith(DEFAULT_FOREIGN_MEDIA_NOTE)
    assert [m["msgtype"] for m in got].count("voice") == 1
    assert [(r.reason.split(" (")[0], r.summary.split()[0]) for r in lost] == [
        ("a voice from another channel", "[voice]")
    ]
    async with services.sessions() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars().all()
    assert {r.dedupe_key: r.status for r in rows} == {
        "relay:1": OutboxStatus.SENT.value,
        "relay:2": OutboxStatus.SENT.value,  # its words went; the media is recorded
    }
