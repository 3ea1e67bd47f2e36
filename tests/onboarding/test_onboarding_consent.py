"""Consent refused or withdrawn during onboarding: nothing about the person stays behind."""

from __future__ import annotations

from bot.context import Services
from tests.harness import BotHarness
from tests.onboarding.onboarding_flow import person, rows_mentioning, texts, tr, ui_state, walk_to


async def test_refusing_consent_stores_nothing(harness: BotHarness, services: Services) -> None:
    t = tr(services, "zh_CN")
    user = harness.user(7654321)
    await user.send("/start")
    await harness.flush_persistence()  # a persistence flush stores the half-begun conversation
    assert ("conversation", "onboarding:[7654321, 7654321]") in await ui_state(services, 7654321)
    msgs = await user.press("2. ❌ 不同意")
    assert texts(msgs) == [t("onboarding.refused")]
    assert user.buttons() == [t("onboarding.restart")]  # one way forward, nothing else
    await harness.flush_persistence()  # ... and the next flush, still running, removes all of it
    assert await rows_mentioning(services, 7654321) == []
    await harness.restart()
    assert await person(services, 7654321) is None
    assert await ui_state(services, 7654321) == []
    assert await rows_mentioning(services, 7654321) == []
    # Nothing half-remembered either: /start begins again from the consent question.
    msgs = await user.send("/start")
    assert texts(msgs) == [t("onboarding.welcome"), t("onboarding.consent")]


async def test_start_again_after_refusing_asks_for_consent_again(
    harness: BotHarness, services: Services
) -> None:
    for lang, uid in (("zh_CN", 7654330), ("en", 7654331)):
        t = tr(services, lang)
        user = harness.user(uid, language_code="en" if lang == "en" else "zh-hans")
        await user.send("/start")
        await user.press(user.buttons()[1])  # do not agree
        assert "/start" not in user.last_text()
        msgs = await user.press(t("onboarding.restart"))
        assert texts(msgs) == [t("onboarding.welcome"), t("onboarding.consent")]
        assert await person(services, uid) is None  # nothing stored until they agree


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


async def test_cancel_before_consent_keeps_nothing(harness: BotHarness, services: Services) -> None:
    user = harness.user(7654323)
    await user.send("/start")
    assert texts(await user.send("/cancel")) == [
        tr(services, "zh_CN")("onboarding.cancelled.nothing")
    ]
    await harness.restart()
    assert await rows_mentioning(services, 7654323) == []


async def test_deleteme_mid_flow_reaches_the_privacy_flow(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "zh_CN")
    user = harness.user(1016)
    await walk_to(user, services, "community")
    msgs = await user.send("/deleteme")  # not swallowed as a wrong answer to "which community"
    assert msgs and all(t("onboarding.invalid.choice", count=3) not in m["text"] for m in msgs)
    await user.send("2")  # confirms the erasure (privacy's question: 2), not "community 2"
    assert await person(services, 1016) is None
    msgs = await user.send("/start")
    assert texts(msgs) == [t("onboarding.welcome"), t("onboarding.consent")]
