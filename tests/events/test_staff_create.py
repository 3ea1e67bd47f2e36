"""An organiser creates an event through the real Application, one question a screen, in both
languages; ⬅️ goes back a question; a wrong answer is asked again and nothing is stored."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.context import Services
from models.core.authz import Role
from models.events import Event, EventStatus
from tests.booking.booking_staff_support import LANGS, staff
from tests.events.events_support import towns
from tests.events.staff_support import (
    count,
    events,
    inline_data,
    last,
    names_of_towns,
    options,
    quotas,
)
from tests.harness import BotHarness

ADMIN_TG = 9601


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_admin_creates_an_event_end_to_end(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t, tz = services.i18n.translator(lang), services.settings.tz
    await staff(services, ADMIN_TG, Role.ADMIN, "D", name="管理员老张", language=lang)
    ids = await towns(services.sessions)
    user = harness.user(ADMIN_TG, language_code=LANGS[lang])
    before = len(await events(services))  # the demo's own
    town_names = await names_of_towns(services, lang)

    await user.send("/eventadmin")
    assert last(user)["text"].startswith(t("events_staff.list.title", page=1, pages=1)[:5])
    assert "evm:new" in inline_data(last(user))
    await user.tap(last(user), "evm:new")
    assert user.last_text() == t("events_staff.ask.langs")
    await user.choose(t("events_staff.opt.both"))
    assert user.last_text() == t("events_staff.ask.name_zh", longest=128)
    await user.send("边界联谊会")
    await user.choose(t("events_staff.opt.skip"))  # no Chinese description
    await user.send("Border gathering")
    await user.send("Tea, songs and chess with the other town.")
    assert user.last_text() == t("events_staff.ask.poster")
    await user.photo()
    assert user.last_text() == t("events_staff.ask.host")
    await user.choose("D")  # the only town this admin manages
    await user.choose("Q")  # co-hosted by Q town
    assert user.last_text() == t("events_staff.ask.venue")
    await user.choose(t("events_staff.opt.other_place"))
    await user.send("界河公园")
    await user.send("长江新村站下车，往东走 200 米")
    assert user.last_text() == t("events_staff.ask.day")
    await user.send("后天")
    await user.send("下午2点" if lang == "zh_CN" else "2pm")
    await user.send("13:00")  # before the start: asked again
    assert user.last_text().startswith(t("events_staff.again.end", start="14:00"))
    await user.send("16:30")
    await user.send("40")
    assert user.last_text() == t("events_staff.ask.quota", town=town_names[ids["D"]])
    await user.send("20")
    await user.send("50")  # more than the 20 left: asked again
    assert user.last_text().startswith(t("events_staff.again.number", low=0, high=20))
    await user.send("20")
    await user.send("4")  # held back for phone sign-up
    await user.choose(t.n("events_staff.opt.days_before", 1, n=1))
    await user.choose(t.n("events_staff.opt.days_before", 1, n=1))  # registration closes
    await user.choose(t("events_staff.opt.everyone"))
    await user.choose(t("topic.culture"))
    await user.choose(t.n("events_staff.opt.party", 1, n=1))
    await user.choose(t("events_staff.opt.q_choice"))
    await user.send("是否需要接送？")
    await user.send("Do you need a ride?")
    await user.send("长江新村站 / Changjiang stop 13:00\n不需要接送 / No ride")
    assert user.last_text().startswith(t("events_staff.ask.confirm", summary="")[:6])
    assert "边界联谊会" in user.last_text() and "Border gathering" in user.last_text()
    assert await count(services, Event) == before, "nothing is stored before the confirmation"

    await user.choose(t("events_staff.opt.publish"))

    (event,) = (await events(services))[before:]
    assert event.status == EventStatus.PUBLISHED.value
    assert (event.name_zh, event.name_en, event.description_zh) == (
        "边界联谊会",
        "Border gathering",
        "",
    )
    assert event.description_en == "Tea, songs and chess with the other town."
    assert event.poster_file_id
    assert (event.host_town_id, event.cohost_town_id) == (ids["D"], ids["Q"])
    assert (event.venue_id, event.place_zh) == (None, "界河公园")
    start = event.starts_at.astimezone(tz)
    today = datetime.now(tz).date()
    assert start.date() == today + timedelta(days=2) and (start.hour, start.minute) == (14, 0)
    assert event.ends_at.astimezone(tz).strftime("%H:%M") == "16:30"
    assert (event.capacity, event.taken, event.held_back) == (40, 4, 4)
    assert event.held_back_until == event.starts_at - timedelta(days=1)
    assert event.registration_closes_at == event.starts_at - timedelta(days=1)
    assert (event.audience_town_id, event.topic, event.max_party) == (None, "culture", 2)
    assert event.question_kind == "choice" and event.question_en == "Do you need a ride?"
    assert await quotas(services, event.id or 0) == {ids["D"]: 20, ids["Q"]: 20}
    ride, no_ride = await options(services, event.id or 0)
    assert ride.ride and ride.pickup_at is not None
    assert ride.pickup_at.astimezone(tz).strftime("%H:%M") == "13:00"
    assert (no_ride.label_en, no_ride.ride) == ("No ride", False)
    card = last(user)
    assert f"evm:ann:{event.id}" in inline_data(card) and f"evm:x:{event.id}" in inline_data(card)
    assert inline_data(card)[-2:] == ["evm:list:0", "evm:home"]


async def test_one_language_back_and_draft(harness: BotHarness, services: Services) -> None:
    t = services.i18n.translator("zh_CN")
    await staff(services, ADMIN_TG, Role.ADMIN, "Q", name="管理员小周")
    user = harness.user(ADMIN_TG, language_code="zh-hans")
    before = len(await events(services))
    await user.send("/eventadmin")
    await user.tap(last(user), "evm:new")
    await user.choose(t("events_staff.opt.zh_only"))
    await user.send("重阳节茶话会")
    await user.press(t("nav.back"))  # ⬅️: the name is asked again
    assert user.last_text() == t("events_staff.ask.name_zh", longest=128)
    await user.send("重阳节茶话会")
    await user.send("一起喝茶聊天")
    await user.choose(t("events_staff.opt.no_poster"))
    await user.sticker()  # not a town: asked again, nothing kept
    assert user.last_text().startswith(t("events_staff.again.choose"))
    await user.choose("Q")
    await user.choose(t("events_staff.opt.no_cohost"))
    await user.choose("1.")  # the first of Q town's venues
    await user.send("明天")
    await user.send("9:30")
    await user.send("11:00")
    await user.send("30")
    await user.choose(t("events_staff.opt.no_limit"))
    await user.choose(t("events_staff.opt.no_limit"))
    await user.choose(t("events_staff.opt.none_held"))
    await user.choose(t("events_staff.opt.until_start"))
    await user.choose(t("events_staff.opt.town_only", town="启东市Q镇"))
    await user.choose("1. " + t("topic.events"))
    await user.choose(t.n("events_staff.opt.party", 0, n=0))
    await user.choose(t("events_staff.opt.no_question"))
    assert t("events_staff.missing") in user.last_text()
    await user.choose(t("events_staff.opt.keep_draft"))
    (event,) = (await events(services))[before:]
    assert event.status == EventStatus.DRAFT.value and event.missing_language == "en"
    assert event.venue_id is not None and event.held_back == 0 and event.max_party == 1
    assert await quotas(services, event.id or 0) == {}
    assert event.registration_closes_at is None
