"""Onboarding through the real Application: consent, language, town, community, name, phone."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.context import Services
from models.core.authz import Role, RoleGrant, Scope
from models.core.people import Person
from models.core.places import Community, Town
from models.roles.invites import Invite, create_invite
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import BotHarness, SimUser
from tests.onboarding.onboarding_flow import (
    LANG_LABEL,
    label,
    person,
    rows_mentioning,
    snapshot,
    tr,
    ui_state,
    walk_to,
)


def texts(messages: list[dict[str, object]]) -> list[str]:
    """What the user read, message by message."""
    return [str(m.get("text") or "") for m in messages]


async def town_and_community(services: Services, community_code: str) -> Community:
    """A seeded community by its code."""
    async with services.sessions() as session:
        query = select(Community).where(Community.code == community_code)
        return (await session.execute(query)).scalar_one()


def share_button(user: SimUser) -> dict[str, object]:
    """The reply-keyboard button that asks Telegram for the user's own number."""
    rows = user.state.reply_keyboard_buttons(user.id) or []
    found = [b for row in rows for b in row if b.get("request_contact")]
    assert len(found) == 1, rows
    return found[0]


async def test_full_onboarding_in_chinese_by_buttons(
    harness: BotHarness, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    t = tr(services, "zh_CN")
    user = harness.user(1001)
    msgs = await user.send("/start")
    assert texts(msgs) == [t("onboarding.welcome"), t("onboarding.consent")]
    assert "/deleteme" in msgs[1]["text"] and "两年" in msgs[1]["text"]
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


async def test_refusing_consent_stores_nothing(harness: BotHarness, services: Services) -> None:
    t = tr(services, "zh_CN")
    user = harness.user(7654321)
    await user.send("/start")
    await harness.flush_persistence()  # a persistence flush stores the half-begun conversation
    assert ("conversation", "onboarding:[7654321, 7654321]") in await ui_state(services, 7654321)
    msgs = await user.press("2. ❌ 不同意")
    assert texts(msgs) == [t("onboarding.refused")]
    assert user.keyboard() == []  # keyboard removed
    await harness.flush_persistence()  # ... and the next flush, still running, removes all of it
    assert await rows_mentioning(services, 7654321) == []
    await harness.restart()
    assert await person(services, 7654321) is None
    assert await ui_state(services, 7654321) == []
    assert await rows_mentioning(services, 7654321) == []
    # Nothing half-remembered either: /start begins again from the consent question.
    msgs = await user.send("/start")
    assert texts(msgs) == [t("onboarding.welcome"), t("onboarding.consent")]


async def test_withdrawing_consent_with_back_erases_the_person(
    harness: BotHarness, services: Services
) -> None:
    user = harness.user(7654322)
    await walk_to(user, services, "language")
    assert await person(services, 7654322) is not None
    msgs = await user.press("⬅️ 返回")
    assert texts(msgs) == [tr(services, "zh_CN")("onboarding.consent")]
    await user.press("2. ❌ 不同意")
    await harness.restart()
    assert await person(services, 7654322) is None
    assert await rows_mentioning(services, 7654322) == []


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


async def test_cancel_before_consent_keeps_nothing(harness: BotHarness, services: Services) -> None:
    user = harness.user(7654323)
    await user.send("/start")
    assert texts(await user.send("/cancel")) == [
        tr(services, "zh_CN")("onboarding.cancelled.nothing")
    ]
    await harness.restart()
    assert await rows_mentioning(services, 7654323) == []


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


async def _admin_invite(services: Services, town_code: str) -> str:
    admin = await make_person(services.sessions, ADMIN_ID, name="管理员")
    async with services.sessions() as session, session.begin():
        town = (await session.execute(select(Town).where(Town.code == town_code))).scalar_one()
        issuer = await session.get(Person, admin.id)
        assert issuer is not None
        invite = await create_invite(
            session, issuer, {Scope(Role.ADMIN, None)}, Role.VOLUNTEER, town.id
        )
    return invite.code


async def _grants(services: Services, tg_user_id: int) -> list[RoleGrant]:
    found = await person(services, tg_user_id)
    assert found is not None
    async with services.sessions() as session:
        query = select(RoleGrant).where(RoleGrant.person_id == found.id)
        return list((await session.execute(query)).scalars())


async def test_invite_link_for_a_new_user_is_redeemed_after_onboarding(
    harness: BotHarness, services: Services
) -> None:
    code = await _admin_invite(services, "D")
    user = harness.user(1013)
    msgs = await user.send(f"/start inv_{code}")
    assert texts(msgs)[1] == tr(services, "zh_CN")("onboarding.consent")
    for typed in ("1", "1", "1", "1"):
        await user.send(typed)
    assert await _grants(services, 1013) == []  # nothing before completion
    await user.send("1")  # skip the name
    await user.send("1")  # skip the phone: done, then the invite
    grants = await _grants(services, 1013)
    assert [g.role for g in grants] == ["volunteer"]
    async with services.sessions() as session:
        invite = (await session.execute(select(Invite).where(Invite.code == code))).scalar_one()
    assert invite.used_by == grants[0].person_id
    assert harness.app is not None and "pending_invite" not in harness.app.user_data[1013]


async def test_invite_link_for_a_registered_user_redeems_at_once(
    harness: BotHarness, services: Services
) -> None:
    code = await _admin_invite(services, "D")
    await make_person(services.sessions, 1014)
    user = harness.user(1014)
    msgs = await user.send(f"/start inv_{code}")
    assert tr(services, "zh_CN")("onboarding.consent") not in texts(msgs)
    assert [g.role for g in await _grants(services, 1014)] == ["volunteer"]


def test_language_labels_are_the_same_in_both_catalogues(services: Services) -> None:
    for lang, words in LANG_LABEL.items():
        assert tr(services, "zh_CN")(f"onboarding.lang.{lang}") == words
        assert tr(services, "en")(f"onboarding.lang.{lang}") == words
    assert label(1, "x") == "1. x"


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


async def test_deleteme_mid_flow_reaches_the_privacy_flow(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "zh_CN")
    user = harness.user(1016)
    await walk_to(user, services, "community")
    msgs = await user.send("/deleteme")  # not swallowed as a wrong answer to "which community"
    assert msgs and all(t("onboarding.invalid.choice", count=3) not in m["text"] for m in msgs)
    await user.send("1")  # confirms the erasure (privacy's question), not "community 1"
    assert await person(services, 1016) is None
    msgs = await user.send("/start")
    assert texts(msgs) == [t("onboarding.welcome"), t("onboarding.consent")]
