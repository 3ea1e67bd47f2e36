"""我的预约与提醒: the list tells apart same-named rooms in the two towns (issue 9, item 8)."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col

from bot.context import Services
from models.core.places import ServiceCentre
from tests.booking.booking_support import slot_of
from tests.booking.test_my_bookings_support import book_slot, place_of
from tests.factories import make_person
from tests.harness import BotHarness

RESIDENT = 6121


def labels(buttons: list[str], count: int) -> list[str]:
    """The first ``count`` choices without their numbers."""
    return [button.split(". ", 1)[1] for button in buttons[:count]]


async def test_same_named_rooms_in_d_and_q_town_read_differently(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    d_room = await slot_of(services.sessions, "d-activity", 3)
    q_room = await slot_of(services.sessions, "q-activity", 3)
    d_place = await place_of(services, d_room, "zh_CN")
    q_place = await place_of(services, q_room, "zh_CN")
    # the case of the bug: rooms of one name, at one time, in the two towns
    assert (d_place["venue"], d_place["when"]) == (q_place["venue"], q_place["when"])
    await book_slot(services, RESIDENT, d_room.id or 0)
    await book_slot(services, RESIDENT, q_room.id or 0)
    user = harness.user(RESIDENT)
    await user.send("/mybookings")
    shown = labels(user.buttons(), 2)
    assert shown[0] != shown[1]
    status = t("mine.status.confirmed")
    assert set(shown) == {
        t(
            "mine.option.booking",
            when=place["when"],
            place=t("mine.place", venue=place["venue"], centre=place["centre"]),
            status=status,
        )
        for place in (d_place, q_place)
    }
    assert any(d_place["centre"] in label for label in shown)
    assert any(q_place["centre"] in label for label in shown)


async def test_the_town_is_named_when_the_centres_share_a_name_too(
    harness: BotHarness, services: Services
) -> None:
    en = services.i18n.translator("en")
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(ServiceCentre)
            .where(col(ServiceCentre.code) == "q-centre")
            .values(name_zh="党群服务中心", name_en="Party-Mass Service Centre")
        )
        await session.execute(
            update(ServiceCentre)
            .where(col(ServiceCentre.code) == "d-centre")
            .values(name_zh="党群服务中心", name_en="Party-Mass Service Centre")
        )
    await make_person(services.sessions, RESIDENT, language="en")
    d_room = await slot_of(services.sessions, "d-activity", 3)
    q_room = await slot_of(services.sessions, "q-activity", 3)
    canteen = await slot_of(services.sessions, "d-canteen", 5)
    for slot in (d_room, q_room, canteen):
        await book_slot(services, RESIDENT, slot.id or 0)
    user = harness.user(RESIDENT, language_code="en")
    await user.send("/mybookings")
    rooms, lunch = labels(user.buttons(), 2), labels(user.buttons(), 3)[2]
    status = en("mine.status.confirmed")
    expected = set()
    for slot, town in (
        (d_room, "D town (Chongming, Shanghai)"),
        (q_room, "Q town (Qidong, Jiangsu)"),
    ):
        place = await place_of(services, slot, "en")
        where = en("mine.place.town", venue=place["venue"], centre=place["centre"], town=town)
        expected.add(en("mine.option.booking", when=place["when"], place=where, status=status))
    assert set(rooms) == expected and rooms[0] != rooms[1]
    # an item nothing else reads like keeps the short label, without the town
    place = await place_of(services, canteen, "en")
    where = en("mine.place", venue=place["venue"], centre=place["centre"])
    assert lunch == en("mine.option.booking", when=place["when"], place=where, status=status)
    assert "town" not in lunch
