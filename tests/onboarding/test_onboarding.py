"""Onboarding through the real Application: consent, language, town, community, name, phone."""

from __future__ import annotations

import pytest

from bot.context import Services
from tests.harness import BotHarness
from tests.onboarding.onboarding_flow import (
    LANG_LABEL,
    label,
    person,
    share_button,
    snapshot,
    texts,
    town_and_community,
    tr,
    walk_to,
)


async def test_full_onboarding_in_chinese_by_buttons(
    harness: BotHarness, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    t = tr(services, "zh_CN")
    user = harness.user(1001)
    msgs = await user.send("/start")
    assert texts(msgs) == [t("onboarding.welcome"), t("onboarding.consent")]
    assert "“⚙️ 设置”里删除" in msgs[1]["text"] and "两年" in msgs[1]["text"]
    assert user.buttons() == ["1. ✅ 同意", "2. ❌ 不同意", "🏠 主菜单"]
    assert await person(services, 1001) is None

    msgs = await user.press("1. ✅ 同意")
    assert texts(msgs) == [t("onboarding.language")]
    assert user.buttons() == ["1. 中文", "2. English", "⬅️ 返回", "🏠 主菜单"]
    consented = await person(services, 1001)
    assert consented is not None and consented.consent_at is not None
    assert consented.language == "zh_CN" and consented.onboarded_at is None

    msgs = await user.press("1. 中文")
    assert texts(msgs) == [t("onboarding.town")]
    assert user.buttons() == ["1. 崇明区D镇", "2. 启东市Q镇", "⬅️ 返回", "🏠 主菜单"]

    msgs = await user.press("1. 崇明区D镇")
    assert texts(msgs) == [t("onboarding.community", town="崇明区D镇")]
    assert user.buttons()[:3] == ["1. 长江新村社区", "2. 红梅社区", "3. 东风村"]

    msgs = await user.press("1. 长江新村社区")
    assert texts(msgs) == [t.n("onboarding.name", 20, max=20)]
    assert user.buttons() == ["1. ⏭️ 跳过", "⬅️ 返回", "🏠 主菜单"]

    msgs = await user.send("   王阿姨  ")
    assert texts(msgs) == [t("onboarding.phone")]
    assert share_button(user)["text"] == "📱 分享我的手机号"
    assert "1. ⏭️ 跳过" in user.buttons()

    msgs = await user.press("📱 分享我的手机号")
    receipt, menu = texts(msgs)
    for words in ("登记完成", "崇明区D镇", "长江新村社区", "王阿姨", "138****1001", "中文"):
        assert words in receipt
    assert "13800001001" not in receipt
    assert menu == t("home.prompt")
    assert t("menu.book") in user.button(t("menu.book"))

    saved = await person(services, 1001)
    community = await town_and_community(services, "d-changjiang")
    assert saved is not None and saved.onboarded_at is not None
    assert (saved.town_id, saved.community_id) == (community.town_id, community.id)
    assert (saved.display_name, saved.phone, saved.language) == (
        "王阿姨",
        "+8613800001001",
        "zh_CN",
    )
    assert saved.chat_id == 1001 and saved.consent_at is not None
    assert "13800001001" not in caplog.text


async def test_full_onboarding_in_english_by_buttons(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "en")
    user = harness.user(1002, language_code="en-GB", first_name="Li")
    msgs = await user.send("/start")
    assert texts(msgs) == [t("onboarding.welcome"), t("onboarding.consent")]
    await user.press("1. ✅ I agree")
    assert user.last_text() == t("onboarding.language")
    assert (await person(services, 1002)).language == "en"  # type: ignore[union-attr]
    await user.press("2. English")
    assert user.last_text() == t("onboarding.town")
    await user.press("2. Q town (Qidong, Jiangsu)")
    assert user.last_text() == t("onboarding.community", town="Q town (Qidong, Jiangsu)")
    await user.press("1. Xinglong Community")
    assert user.last_text() == t.n("onboarding.name", 20, max=20)
    await user.send("Auntie Li")
    await user.press("1. ⏭️ Skip")  # no phone
    receipt, menu = texts(user.state.messages(1002)[-2:])
    for words in ("Registration complete", "Q town", "Xinglong Community", "Auntie Li"):
        assert words in receipt
    assert "Phone: not provided" in receipt
    assert menu == t("home.prompt")

    saved = await person(services, 1002)
    community = await town_and_community(services, "q-xinglong")
    assert saved is not None and saved.onboarded_at is not None
    assert (saved.town_id, saved.community_id) == (community.town_id, community.id)
    assert (saved.display_name, saved.phone, saved.language) == ("Auntie Li", None, "en")


async def test_language_choice_switches_the_next_screens(
    harness: BotHarness, services: Services
) -> None:
    user = harness.user(1003)  # Telegram says Chinese
    await walk_to(user, services, "language")
    assert user.last_text() == tr(services, "zh_CN")("onboarding.language")
    msgs = await user.press("2. English")
    assert texts(msgs) == [tr(services, "en")("onboarding.town")]
    assert user.buttons()[-2:] == ["⬅️ Back", "🏠 Main menu"]
    assert (await person(services, 1003)).language == "en"  # type: ignore[union-attr]


async def test_typing_numbers_instead_of_tapping(harness: BotHarness, services: Services) -> None:
    user = harness.user(1004)
    await user.send("/start")
    for typed in ("1", "2", "2", "1", "1"):
        await user.send(typed)
    assert "1. ⏭️ Skip" in user.buttons()  # phone step, in English
    await user.send("1")
    saved = await person(services, 1004)
    community = await town_and_community(services, "q-xinglong")
    assert saved is not None and saved.onboarded_at is not None
    assert (saved.language, saved.community_id, saved.display_name) == ("en", community.id, None)
    assert "Phone: not provided" in texts(user.state.messages(1004)[-2:])[0]


async def test_someone_elses_contact_is_refused(harness: BotHarness, services: Services) -> None:
    t = tr(services, "zh_CN")
    user = harness.user(1006)
    await walk_to(user, services, "phone")
    before = await snapshot(services)
    update = harness.state._user_message(  # a forwarded contact card of another person
        1006,
        None,
        {"contact": {"phone_number": "+8613912345678", "first_name": "张", "user_id": 42}},
    )
    since = user.state.messages(1006)[-1]["message_id"]
    await harness.feed(update)
    msgs = user.state.messages(1006, since=since)
    assert texts(msgs) == [
        t(
            "onboarding.with_note",
            note=t("onboarding.phone.not_yours"),
            question=t("onboarding.phone"),
        )
    ]
    assert await snapshot(services) == before
    share_button(user)  # still asking for the phone
    await user.press("📱 分享我的手机号")
    assert (await person(services, 1006)).phone == "+8613800001006"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("typed", "saved"),
    [("  王 阿姨  ", "王 阿姨"), ("一" * 20, "一" * 20), ("Mr. Li 2", "Mr. Li 2")],
)
async def test_name_is_stripped_and_may_be_twenty_characters(
    harness: BotHarness, services: Services, typed: str, saved: str
) -> None:
    user = harness.user(1012)
    await walk_to(user, services, "name")
    await user.send(typed)
    assert user.last_text() == tr(services, "zh_CN")("onboarding.phone")
    assert (await person(services, 1012)).display_name == saved  # type: ignore[union-attr]


def test_language_labels_are_the_same_in_both_catalogues(services: Services) -> None:
    for lang, words in LANG_LABEL.items():
        assert tr(services, "zh_CN")(f"onboarding.lang.{lang}") == words
        assert tr(services, "en")(f"onboarding.lang.{lang}") == words
    assert label(1, "x") == "1. x"
