"""Where to book: the resident's own town comes first, "either town" says what it means, and
a check-up receipt says what to bring."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.context import Services
from models.core.places import ServiceCentre
from tests.booking.booking_support import slot_of
from tests.booking.test_booking_flow_helpers import (
    choose_day,
    choose_slot,
    person,
    slot_day,
    to_day,
    to_place,
    town_name,
    tr,
    venue,
)
from tests.harness import BotHarness


@pytest.mark.parametrize(("town", "other"), [("D", "Q"), ("Q", "D")])
async def test_the_place_question_starts_with_the_residents_own_town(
    harness: BotHarness, services: Services, town: str, other: str
) -> None:
    user = await person(harness, 5201, town=town)
    t = tr(services, "zh_CN")
    await to_place(user, t, "canteen")
    places = [b.split(". ", 1)[1].split("：")[0] for b in user.buttons()[:-2]]
    assert places == [
        await town_name(services, town, "zh_CN"),
        await town_name(services, other, "zh_CN"),
        "🔎 两镇都可以（时间早的在前）",
    ]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_either_town_puts_the_residents_own_town_first_at_equal_times(
    harness: BotHarness, services: Services, lang: str
) -> None:
    user = await person(harness, 5202, lang, town="Q")
    t = tr(services, lang)
    d_slot = await slot_of(services.sessions, "d-canteen", 3)
    async with services.sessions() as session:
        centres = {
            c.code: c.name(lang) for c in (await session.execute(select(ServiceCentre))).scalars()
        }
    await to_day(user, services, t, "canteen", "any")
    await choose_day(user, t, slot_day(d_slot))
    labels = user.buttons()[:-2]
    assert [centres["q-centre"] in b for b in labels] == [True, False, True, False]
    assert [centres["d-centre"] in b for b in labels] == [False, True, False, True]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_a_check_up_receipt_says_what_to_bring_and_the_full_address(
    harness: BotHarness, services: Services, lang: str
) -> None:
    user = await person(harness, 5203, lang)
    t = tr(services, lang)
    slot = await slot_of(services.sessions, "d-health", 3)
    place = await venue(services, "d-health")
    await to_day(user, services, t, "health_check", "D")
    await choose_day(user, t, slot_day(slot))
    await choose_slot(user, t, slot, place.name(lang))
    receipt = (await user.choose(t("booking.confirm.yes")))[0]["text"]
    assert t("booking.bring.health_check") in receipt
    assert ("上海市崇明区" if lang == "zh_CN" else "Chongming District, Shanghai") in receipt
