"""/settings through the real Application: every screen, both languages, DB effects."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.context import Services
from models.core.people import NotificationOptOut, Person
from models.core.places import Community, Town
from tests.factories import make_person
from tests.harness import BotHarness

UID = 4101


async def _person(services: Services, uid: int = UID) -> Person:
    async with services.sessions() as session:
        query = select(Person).where(Person.tg_user_id == uid)
        return (await session.execute(query)).scalar_one()


async def _community(services: Services, code: str) -> Community:
    async with services.sessions() as session:
        return (await session.execute(select(Community).where(Community.code == code))).scalar_one()


async def test_menu_shows_current_values_zh(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, UID)
    user = harness.user(UID)
    await user.send("/settings")
    text = user.last_text()
    assert "我的设置" in text and "长江新村社区" in text and "崇明区D镇" in text
    assert "王阿姨" in text and "中文" in text
    assert "⬅️ 返回" in user.buttons() and "🏠 主菜单" in user.buttons()


async def test_unregistered_is_refused(harness: BotHarness, services: Services) -> None:
    user = harness.user(UID)
    await user.send("/settings")
    assert "请先点下面的“▶️ 开始”" in user.last_text()
    assert user.buttons() == ["▶️ 开始"]
    await user.press("▶️ 开始")  # the button starts registering, as /start does
    assert "开始之前，需要您同意" in user.last_text()


async def test_main_menu_button_opens_settings(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, UID)
    user = harness.user(UID)
    await user.send("⚙️ 设置")
    assert "我的设置" in user.last_text()
    await user.send("/menu")
    await user.send("6")
    assert "我的设置" in user.last_text()


async def test_switch_language_to_english_at_once(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, UID)
    user = harness.user(UID)
    await user.send("/settings")
    await user.choose("语言")
    assert "请选择您要用的语言" in user.last_text()
    await user.choose("English")
    text = user.last_text()
    assert "Done: from now on I will talk to you in English." in text
    assert "My settings" in text and "Changjiang Xincun Community" in text
    assert "⬅️ Back" in user.buttons()
    assert (await _person(services)).language == "en"
    await user.send("1")  # numbers work: 1 = Language
    await user.send("1")  # 1 = 中文
    assert "已改好：以后我用中文和您说话" in user.last_text()
    assert (await _person(services)).language == "zh_CN"


async def test_change_town_and_community_en(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, UID, language="en")
    user = harness.user(UID, language_code="en")
    await user.send("/settings")
    await user.choose("Town and community")
    assert "Please choose the town you live in." in user.last_text()
    await user.choose("Q town")
    assert "Please choose your community in Q town" in user.last_text()
    assert any("Xinglong Community" in b for b in user.buttons())
    assert not any("Changjiang" in b for b in user.buttons())
    await user.choose("Haibin")
    assert "Done: you are now registered in Haibin Community, Q town" in user.last_text()
    person = await _person(services)
    haibin = await _community(services, "q-haibin")
    assert person.community_id == haibin.id and person.town_id == haibin.town_id


async def test_community_of_other_town_is_refused(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, UID)
    user = harness.user(UID)
    await user.send("/settings")
    await user.choose("所在镇和社区")
    await user.choose("启东市Q镇")
    await user.send("长江新村社区")  # a D-town community typed on the Q-town screen
    assert "没有看懂" in user.last_text() and "Q镇" in user.last_text()
    await user.send("9")  # a number that is not on the screen
    assert "没有看懂" in user.last_text()
    person = await _person(services)
    changjiang = await _community(services, "d-changjiang")
    assert person.community_id == changjiang.id
    async with services.sessions() as session:
        d_town = (await session.execute(select(Town).where(Town.code == "D"))).scalar_one()
    assert person.town_id == d_town.id


async def test_elder_mode_and_name(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, UID)
    user = harness.user(UID)
    await user.send("/settings")
    await user.choose("长辈模式")
    assert "按钮更大" in user.last_text() and "每次只问一个问题" in user.last_text()
    await user.choose("关闭长辈模式")
    assert "已改好：长辈模式已关闭" in user.last_text()
    assert (await _person(services)).elder_mode is False
    await user.choose("怎么称呼您")
    assert "现在是：王阿姨" in user.last_text()
    await user.sticker()
    assert "这个称呼用不了" in user.last_text()
    assert (await _person(services)).display_name == "王阿姨"
    await user.send("  李 奶奶 ")
    assert "以后我们称呼您“李 奶奶”" in user.last_text()
    assert (await _person(services)).display_name == "李 奶奶"


async def test_topic_toggles(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, UID)
    user = harness.user(UID)
    await user.send("/settings")
    await user.choose("通知")
    assert user.buttons()[0] == "1. ✅ 活动通知（接收）"
    await user.choose("✅ 活动通知")
    assert "以后不再给您发活动通知" in user.last_text()
    assert user.buttons()[:2] == ["1. 🔕 活动通知（不接收）", "2. ✅ 健康服务通知（接收）"]
    await user.send("2")  # health, by number
    assert "以后不再给您发健康服务通知" in user.last_text()
    await user.send("活动通知")  # bare words toggle back on
    assert "以后会给您发活动通知" in user.last_text()
    async with services.sessions() as session:
        muted = (await session.execute(select(NotificationOptOut.topic))).scalars().all()
    assert muted == ["health"]
    await user.press("⬅️ 返回")
    assert "接收的通知：活动通知、文化活动通知、便民服务通知" in user.last_text()


async def test_unexpected_input_back_and_home(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, UID)
    user = harness.user(UID)
    await user.send("/settings")
    before = (await _person(services)).updated_at
    await user.send("随便说点什么")
    assert "没有看懂" in user.last_text() and "我的设置" in user.last_text()
    await user.choose("语言")
    await user.voice()
    assert "没有看懂" in user.last_text() and "请选择您要用的语言" in user.last_text()
    await user.press("⬅️ 返回")
    assert "我的设置" in user.last_text()
    await user.press("⬅️ 返回")
    assert "请选择您要办的事" in user.last_text()
    assert any("预约" in b for b in user.buttons())
    await user.send("/settings")
    await user.choose("长辈模式")
    await user.press("🏠 主菜单")
    assert "请选择您要办的事" in user.last_text()
    assert (await _person(services)).updated_at == before


async def test_settings_survive_restart(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, UID)
    user = harness.user(UID)
    await user.send("/settings")
    await user.choose("所在镇和社区")
    await user.choose("启东市Q镇")
    await harness.restart()
    await user.send("1")
    assert "已改好：您现在登记在启东市Q镇的兴隆社区" in user.last_text()
    assert (await _person(services)).community_id == (await _community(services, "q-xinglong")).id


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        ("😀😀😀", "这个称呼用不了"),
        ("123", "这个称呼用不了"),
        ("阿" * 25, "称呼太长了，最多 20 个字"),
    ],
)
async def test_settings_refuses_the_names_onboarding_refuses(
    harness: BotHarness, services: Services, typed: str, refusal: str
) -> None:
    """One validator: /settings accepted an emoji-only or 25-character name onboarding refused."""
    await make_person(services.sessions, UID)
    user = harness.user(UID)
    await user.send("/settings")
    await user.choose("怎么称呼您")
    await user.send(typed)
    assert refusal in user.last_text()
    assert (await _person(services)).display_name == "王阿姨"
