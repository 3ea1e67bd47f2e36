"""Seeing and deleting one's information from the settings menu, with no command to type."""

from __future__ import annotations

from sqlalchemy import select

from bot.context import Services
from models.core.people import Person
from tests.factories import make_person
from tests.harness import BotHarness

UID = 770099001


async def _exists(services: Services) -> bool:
    async with services.sessions() as session:
        query = select(Person).where(Person.tg_user_id == UID)  # type: ignore[arg-type]
        return (await session.execute(query)).scalar_one_or_none() is not None


async def test_my_information_is_a_settings_item(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, UID, name="设置甲")
    user = harness.user(UID)
    await user.send("你好")  # anything: the main menu
    await user.choose("设置")
    while not any("删除我的信息" in label for label in user.buttons()):
        await user.choose("➡️")  # elder mode: the settings menu's second page
    items = user.buttons()
    mine = next(label for label in items if "查看我的信息" in label)
    delete = next(label for label in items if "删除我的信息" in label)
    assert not delete.startswith("1.")  # a destructive item is never the first choice
    messages = await user.press(mine)
    assert any(m["kind"] == "document" for m in messages)
    assert "我的设置" in messages[-1]["text"]  # back on the settings menu
    await user.press(delete)
    assert "不能恢复" in user.last_text()
    await user.choose("确认删除")
    assert "您的信息已经全部删除" in user.last_text()
    assert user.buttons() == ["▶️ 开始"]
    assert not await _exists(services)


async def test_leaving_the_deletion_question_keeps_everything(
    harness: BotHarness, services: Services
) -> None:
    await make_person(services.sessions, UID, name="设置乙")
    user = harness.user(UID)
    await user.send("你好")  # anything: the main menu
    await user.choose("设置")
    await user.choose("删除我的信息")
    await harness.restart()  # the question's screen is stored like any other
    await user.choose("取消")
    assert "没有任何改变" in user.last_text()
    assert await _exists(services)
