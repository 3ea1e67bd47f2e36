"""What the bridge queues, the unmodified bot takes: a follow starts onboarding, a voice note
recognised as "一" answers its first screen as a typed "1" would."""

from __future__ import annotations

from typing import Any

from bot.context import Services
from tests.channels.wechat.support import callback_xml, queued, running_bridge
from tests.harness import BotHarness
from tests.onboarding.onboarding_flow import person, texts, tr


async def test_follow_then_spoken_one_gives_consent(
    database_url: str, harness: BotHarness, services: Services
) -> None:
    t = tr(services, "zh_CN")
    async with running_bridge(database_url) as wechat:
        assert (await wechat.post(callback_xml("event", Event="subscribe")))[0] == 200
        voice = callback_xml("voice", MediaId="m1", Format="amr", Recognition="一。", MsgId="9")
        assert (await wechat.post(voice))[0] == 200
    follow, spoken = await queued(database_url)
    chat_id = follow["message"]["chat"]["id"]
    # The sandbox plays the Bot API here; the bridge's own outbound side is later work.
    harness.state.user(chat_id, first_name="微信用户")

    async def said(update: dict[str, Any]) -> list[str]:
        since = harness.state.last_message_id(chat_id) or 0
        await harness.feed(update)
        return texts(harness.state.messages(chat_id, since=since))

    assert await said(follow) == [t("onboarding.welcome"), t("onboarding.consent")]
    assert await person(services, chat_id) is None
    assert await said(spoken) == [t("onboarding.language")]
    consented = await person(services, chat_id)
    assert consented is not None and consented.consent_at is not None
    assert consented.chat_id == chat_id
