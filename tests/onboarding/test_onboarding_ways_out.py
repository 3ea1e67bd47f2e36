"""Leaving and resuming onboarding: back, 🏠, /cancel, /help, /start again, a restart."""

from __future__ import annotations

from bot.context import Services
from tests.factories import make_person
from tests.harness import BotHarness
from tests.onboarding.onboarding_flow import (
    person,
    snapshot,
    texts,
    town_and_community,
    tr,
    ui_state,
    walk_to,
)


async def test_back_goes_one_step_back_at_every_step(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "zh_CN")
    user = harness.user(1005)
    await walk_to(user, services, "phone")
    expected = [
        t.n("onboarding.name", 20, max=20),
        t("onboarding.community", town="崇明区D镇"),
        t("onboarding.town"),
        t("onboarding.language"),
        t("onboarding.consent"),
    ]
    for question in expected:
        assert texts(await user.press("⬅️ 返回")) == [question]
    assert "⬅️ 返回" not in user.buttons()  # the first step has no Back
    # Forward again, changing the town: the old community is dropped, the new one saved.
    await user.press("1. ✅ 同意")
    await user.press("1. 中文")
    await user.press("2. 启东市Q镇")
    moved = await person(services, 1005)
    assert moved is not None and moved.community_id is None
    await user.choose("兴隆社区")
    community = await town_and_community(services, "q-xinglong")
    assert (await person(services, 1005)).community_id == community.id  # type: ignore[union-attr]


async def test_restart_half_way_resumes(harness: BotHarness, services: Services) -> None:
    t = tr(services, "zh_CN")
    user = harness.user(1007)
    await walk_to(user, services, "community")
    await harness.restart()
    assert ("conversation", "onboarding:[1007, 1007]") in await ui_state(services, 1007)
    msgs = await user.press("2. 红梅社区")
    assert texts(msgs) == [t.n("onboarding.name", 20, max=20)]
    await user.send("李师傅")
    await user.press("1. ⏭️ 跳过")
    saved = await person(services, 1007)
    community = await town_and_community(services, "d-hongmei")
    assert saved is not None and saved.onboarded_at is not None
    assert (saved.community_id, saved.display_name) == (community.id, "李师傅")


async def test_returning_user_gets_the_menu(harness: BotHarness, services: Services) -> None:
    t = tr(services, "zh_CN")
    await make_person(services.sessions, 1008, name="王阿姨")
    before = await snapshot(services)
    user = harness.user(1008)
    msgs = await user.send("/start")
    assert texts(msgs) == [t("onboarding.welcome_back.named", name="王阿姨")]
    assert t("menu.book") in user.button(t("menu.book"))
    assert await snapshot(services) == before


async def test_main_menu_button_during_onboarding_asks_to_finish(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "zh_CN")
    user = harness.user(1009)
    await walk_to(user, services, "town")
    before = await snapshot(services)
    msgs = await user.press("🏠 主菜单")
    assert texts(msgs) == [
        t("onboarding.with_note", note=t("onboarding.finish_first"), question=t("onboarding.town"))
    ]
    assert await snapshot(services) == before
    await user.press("1. 崇明区D镇")
    assert user.last_text() == t("onboarding.community", town="崇明区D镇")


async def test_cancel_keeps_what_was_entered_and_start_resumes(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "zh_CN")
    user = harness.user(1010)
    await walk_to(user, services, "community")
    msgs = await user.send("/cancel")
    assert texts(msgs) == [t("onboarding.cancelled")]
    kept = await person(services, 1010)
    assert kept is not None and kept.town_id is not None and kept.onboarded_at is None
    msgs = await user.send("/start")
    question = t("onboarding.community", town="崇明区D镇")
    assert texts(msgs) == [
        t("onboarding.with_note", note=t("onboarding.resume"), question=question)
    ]
    await user.press("1. 长江新村社区")
    assert user.last_text() == t.n("onboarding.name", 20, max=20)


async def test_help_during_onboarding_keeps_the_step(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "zh_CN")
    user = harness.user(1011)
    await walk_to(user, services, "town")
    msgs = await user.send("/help")
    assert texts(msgs) == [t("onboarding.help"), t("onboarding.town")]
    await user.press("2. 启东市Q镇")
    assert user.last_text() == t("onboarding.community", town="启东市Q镇")


async def test_start_again_mid_flow_resumes_where_the_data_stops(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "zh_CN")
    user = harness.user(1015)
    await walk_to(user, services, "name")
    msgs = await user.send("/start")
    assert texts(msgs) == [
        t(
            "onboarding.with_note",
            note=t("onboarding.resume"),
            question=t.n("onboarding.name", 20, max=20),
        )
    ]
    await user.send("赵大爷")
    assert (await person(services, 1015)).display_name == "赵大爷"  # type: ignore[union-attr]
