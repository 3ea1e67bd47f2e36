"""Issue 11, item 7: /mydata reads first, then offers the file; a file says what it is for.

The summary is a message in words (name, phone masked, town, community, language, elder mode,
topics, bookings, queue places, roles); the complete file follows with a caption saying what it
is ("您的全部资料"), never introduced by its name and size. "📄 查看我的信息" does the same.
The booking's calendar file says what it is for: "添加到手机日历".
"""

from __future__ import annotations

import pytest

from bot.context import Services
from models.core.authz import Role, grant_role
from models.core.people import toggle_topic
from tests.booking.booking_support import slot_of
from tests.booking.test_my_bookings_support import book_slot, place_of, wait_for
from tests.factories import make_person
from tests.harness import BotHarness, Message

UID, OTHER = 770055001, 770055002
NAME, PHONE = "资料阿姨", "13912345678"


async def _resident(services: Services, language: str = "zh_CN") -> None:
    """A resident with a muted topic, a volunteer role, two bookings and a place in a queue."""
    person = await make_person(services.sessions, UID, name=NAME, phone=PHONE, language=language)
    assert person.id is not None
    async with services.sessions() as session, session.begin():
        await toggle_topic(session, person.id, "health")
        await grant_role(session, person.id, Role.VOLUNTEER, person.town_id)
    soon = await slot_of(services.sessions, "d-canteen", 3)
    later = await slot_of(services.sessions, "d-canteen", 4)
    await book_slot(services, UID, later.id or 0)
    await book_slot(services, UID, soon.id or 0)
    await make_person(services.sessions, OTHER)
    full = await slot_of(services.sessions, "d-mediation", 1)
    await book_slot(services, OTHER, full.id or 0)
    await wait_for(services, UID, full.id or 0)


def _texts(messages: list[Message]) -> list[str]:
    return [str(m.get("text") or m.get("caption") or "") for m in messages]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_mydata_shows_a_summary_in_words_then_the_file(
    harness: BotHarness, services: Services, lang: str
) -> None:
    await _resident(services, lang)
    t = services.i18n.translator(lang)
    user = harness.user(UID, language_code="zh-hans" if lang == "zh_CN" else "en")
    messages = await user.send("/mydata")
    assert [m["kind"] for m in messages] == ["text", "document"]
    summary, document = messages
    text = summary["text"]
    for fact in (NAME, "139****5678", t("settings.elder.on"), t("roles.role.volunteer")):
        assert fact in text, fact
    assert PHONE not in text
    assert ("长江新村社区" if lang == "zh_CN" else "Changjiang") in text
    assert t("topic.health") not in text and t("topic.events") in text  # muted: not received
    soon = await slot_of(services.sessions, "d-canteen", 3)
    place = await place_of(services, soon, lang)
    assert t.n("privacy.summary.bookings", 2, count=2, **place) in text
    assert t.n("privacy.summary.waiting", 1, count=1) in text
    assert "{" not in text and "mydata.json" not in text
    caption = document["caption"]
    assert caption.startswith(
        "📎 您的全部资料" if lang == "zh_CN" else "📎 Everything we keep about you"
    )


async def test_mydata_with_nothing_booked_says_so(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, UID, name=NAME)
    messages = await harness.user(UID).send("/mydata")
    t = services.i18n.translator("zh_CN")
    assert t("privacy.summary.no_bookings") in messages[0]["text"]
    assert t("privacy.summary.roles", roles="") not in messages[0]["text"]


async def test_the_settings_item_shows_the_same_summary_then_the_menu(
    harness: BotHarness, services: Services
) -> None:
    await _resident(services)
    user = harness.user(UID)
    await user.send("/menu")
    await user.choose("设置")
    messages = await user.choose("查看我的信息")  # elder mode: on the menu's second page
    assert [m["kind"] for m in messages] == ["text", "document", "text"]
    texts = _texts(messages)
    assert texts[0].startswith("📄 我们保存的您的信息") and NAME in texts[0]
    assert texts[1].startswith("📎 您的全部资料")
    assert "我的设置" in texts[2]  # back on the settings menu


async def test_the_calendar_file_says_it_is_for_the_phone_calendar(
    harness: BotHarness, services: Services
) -> None:
    await make_person(services.sessions, UID)
    slot = await slot_of(services.sessions, "d-canteen", 3, index=1)
    await book_slot(services, UID, slot.id or 0)
    user = harness.user(UID)
    await user.send("/mybookings")
    await user.send("1")
    messages = await user.choose(services.i18n.translator("zh_CN")("mine.action.resend"))
    [calendar] = [m for m in messages if m["kind"] == "document"]
    assert calendar["caption"].startswith("📅 添加到手机日历")
